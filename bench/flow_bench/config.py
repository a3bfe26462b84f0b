"""The benchmark's fixed parameters: rates, durations, polling, time limits."""

DEFAULT_RATES = (10.0, 50.0)  # referrals per second, one timed run each
DEFAULT_SECONDS = 30.0  # sending time per rate
QUICK_RATES = (5.0, 20.0)
QUICK_SECONDS = 5.0
POLL_INTERVAL = 0.010  # seconds between the starts of two read-model polls
DRAIN_TIMEOUT = 120.0  # after the last answer: how long to wait for cases still not visible (--drain)
SETTLE = 3.0  # seconds of idle between two rates (the previous rate's tail is over)
REQUEST_TIMEOUT = 30.0  # per POST
LATE = 0.005  # a send that starts more than this after its scheduled time counts as late
READY_TIMEOUT = 180.0  # for `rj up` to write services.json
STOP_TIMEOUT = 90.0  # for `rj up` to stop after SIGINT
PROCESSES = ("postgres", "nats", "referral", "casework", "notifications", "reporting")
