import sys

from brieven.cli import main

sys.exit(main())
