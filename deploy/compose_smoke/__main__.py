import sys

from deploy.compose_smoke.smoke import main

sys.exit(main())
