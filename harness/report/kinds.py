"""One table: every failure kind's title and the one-line hint that says what to do."""

from __future__ import annotations

from harness.results import FailureKind

__all__ = ["KINDS", "hint", "title"]

KINDS: dict[FailureKind, tuple[str, str]] = {
    FailureKind.STATUS: ("Unexpected status code",
                         "fix the example, add TEST[catch:...] for an expected error, or fix the target"),
    FailureKind.BODY: ("Response body differs from the page",
                       "update the response block, or substitute volatile values with $body.$_path"),
    FailureKind.CATCH: ("The expected error did not happen",
                        "check the catch value against the status the target really answers"),
    FailureKind.WARNINGS: ("Warning headers differ from the page",
                           "list every expected deprecation warning with TEST[warning:...]"),
    FailureKind.SHARD_FAILURES: ("The response reports shard failures",
                                 "fix the request, or add TEST[skip_shard_failures] when they are expected"),
    FailureKind.HEADERS: ("Response headers differ from the page",
                          "fix the header lines the response block shows, or the target"),
    FailureKind.INVALID_EXAMPLE: ("The example cannot be run as written",
                                  "fix the snippet or its directives at this line"),
    FailureKind.UNKNOWN_SETUP: ("Unknown named setup or teardown",
                                "define it under [setups] / [teardowns] in docharness.toml, or fix the name"),
    FailureKind.MISSING_VARIABLE: ("A placeholder has no value",
                                   "add the variable under [variables] in docharness.toml"),
    FailureKind.CONNECTION: ("Could not talk to the target",
                             "check that the target is running and the URL in docharness.toml or --target"),
    FailureKind.TIMEOUT: ("The target did not answer in time",
                          "raise timeout for this target in docharness.toml, or check the target's health"),
    FailureKind.PROTOCOL: ("The target broke the HTTP protocol",
                           "check that the URL points at an HTTP server and not at another service"),
    FailureKind.NOT_JSON: ("The answer is not JSON",
                           "check the Content-Type the target sends, or mark the response TESTRESPONSE[non_json]"),
    FailureKind.TOO_LARGE: ("The answer is too large",
                            "the body exceeded the 16 MB read limit; narrow the request"),
    FailureKind.REDIRECT: ("Too many redirects",
                           "the target redirects in a loop; point the target URL at the final address"),
    FailureKind.SERVER_ERROR: ("The target failed with a server error",
                               "look at the target's logs; add TEST[catch:request] only if the page documents it"),
    FailureKind.SETUP_FAILED: ("A setup, teardown or reset step failed",
                               "fix the named setup in docharness.toml or the TESTSETUP snippet of the page"),
    FailureKind.CAPTURE: ("A captured value is missing from the answer",
                          "fix the CAPTURE path ($body.a.0.b, $header.Name) or the request whose answer it reads"),
    FailureKind.RETRY: ("The retry condition never held",
                        "check the RETRY until: condition, or raise its timeout: for a slow target"),
}


def title(kind: FailureKind) -> str:
    """The short title of a failure kind."""
    return KINDS[kind][0]


def hint(kind: FailureKind) -> str:
    """What to do about a failure kind, in one line."""
    return KINDS[kind][1]
