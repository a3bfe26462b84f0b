from rj.cli import main

raise SystemExit(main())
