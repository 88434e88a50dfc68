"""Renderers: one per medium (text, JSON, Discord embed, picture), each turning typed answers into output."""
