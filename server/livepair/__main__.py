from livepair.cli import main

raise SystemExit(main())
