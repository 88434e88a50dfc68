"""A smoke test of bench/bench_discord.py: its machinery runs end to end, on a tiny configuration.

Both bots run in their own processes against the loopback Discord, as in the benchmark; the test asserts
that every command got figures and that every call was answered (no error answer), and that the
benchmark does notice an error answer. It asserts no timings.
"""

from __future__ import annotations

from pathlib import Path

from bench.bench_discord import COMMANDS, FLOOR, Call, Config, Stats, answers, render, run_benchmark

NOT_A_CLUB = Call("/path team:Manchester United", "path", {"team": "Manchester United"})
PICTURE = Call("/bracket round:4 season:2024", "bracket", {"round": 4, "season": 2024})  # deferred


async def test_the_benchmark_measures_every_command_and_every_call_is_answered(tmp_path: Path) -> None:
    config = Config(
        calls=5,
        warmup=1,
        seasons=(2,),
        bursts=(10,),
        starts=1,
        rss_calls=60,
        commands=(*COMMANDS, PICTURE, NOT_A_CLUB),
    )
    report = await run_benchmark(config, work=tmp_path, progress=lambda line: None)

    (run,) = report.runs
    assert run.check_errors == []
    floor = run.floor.latency[FLOOR.label]
    assert len(floor) == 5 * len(config.commands)
    assert all(sample.error is None for sample in floor)
    for call in COMMANDS:
        samples = run.bot.latency[call.label]
        assert len(samples) == 5, call.label
        assert [sample.error for sample in samples] == [None] * 5, call.label
        assert Stats.of(answers(samples)) is not None, call.label
    # A deferred answer is timed to the follow-up that replaces "is thinking…".
    pictures = run.bot.latency[PICTURE.label]
    assert all(sample.deferred and sample.error is None for sample in pictures)
    assert all(s.first is not None and s.answer is not None and s.answer > s.first for s in pictures)
    # A refusal is an answer without an answer: the benchmark counts it as an error, not as a figure.
    refused = run.bot.latency[NOT_A_CLUB.label]
    assert all(sample.error is not None and "no answer" in sample.error for sample in refused)
    assert {error.split(":")[0] for error in run.bot.errors} == {"/path team", "burst of 10"}
    assert all(NOT_A_CLUB.label in error for error in run.bot.errors)

    for which in (run.floor, run.bot):
        assert len(which.bursts[10]) == 10
        assert all(sample.answer is not None and not sample.late for sample in which.bursts[10])
        assert not which.violations, which.violations
        assert which.loopback_problems == []
        assert which.log_errors == []
        assert len(which.cold_starts) == 1
        assert which.rss_ready > 0 and which.rss_mark is not None and which.rss_end > 0
        assert which.calls >= config.rss_calls

    table = render(report)
    for call in (*COMMANDS, FLOOR):
        assert call.label in table
    assert "targets:" in table
