"""The console's /follow, /unfollow and /following (issue 14): the follower is `--as USER_ID`."""

from __future__ import annotations

from bot.console import ask
from bot.store.engine import Store

USER = "123456789012345678"


async def test_follow_unfollow_and_following_as_a_user(moderated: Store) -> None:
    followed = await ask(moderated, "/follow team:folsom", actor=USER)
    assert followed.as_text() == "You now follow FC Folsom: its results will be sent in your direct messages."
    assert (
        (await ask(moderated, "/follow team:FC Folsom where:dm", actor=USER))
        .as_text()
        .startswith("You already follow FC Folsom")
    )
    listed = (await ask(moderated, "/following", actor=USER)).as_text()
    assert listed.startswith("FC Folsom (DMs): alive: next round 3 v Valley 559 FC"), listed
    assert (await ask(moderated, "/following", actor="42")).as_text().startswith("You follow no club")
    data = (await ask(moderated, "/unfollow team:folsom", actor=USER)).as_json()
    assert data["ok"] and data["data"]["stopped"] == 1
    assert (await ask(moderated, "/unfollow team:folsom", actor=USER)).as_text() == (
        "You were not following FC Folsom."
    )


async def test_follow_needs_a_user_id_and_here_needs_discord(moderated: Store) -> None:
    refused = await ask(moderated, "/follow team:folsom")  # the local operator is no Discord user
    assert refused.error is not None and "--as USER_ID" in refused.error.message
    here = await ask(moderated, "/follow team:folsom where:here", actor=USER)
    assert here.error is not None and "only dm works" in here.error.message
