"""The benchmark's fixed parameters: workload shape, cells, run counts."""

STREAM_LENGTH = 20  # events per stream before a writer starts a new one
PAGE = 500  # read_all page size
WRITERS = (1, 16)
BATCHES = (1, 10)
DEFAULT_EVENTS = 2000  # per batch-1 cell; batch-10 cells append BATCH10_FACTOR times as many
BATCH10_FACTOR = 4
DEFAULT_REPEAT = 3
QUICK_EVENTS = 320
WARMUP_EVENTS_PER_WRITER = 20  # 16 writers x 20 events, batch 1, before the first cell
SYSTEMS = ("ours", "ceiling", "peer")
