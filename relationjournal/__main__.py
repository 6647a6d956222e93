from relationjournal.cli import main

raise SystemExit(main())
