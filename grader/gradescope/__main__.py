"""``python3 -m grader.gradescope``: the same as ``python3 -m grader.gradescope.runner``."""

import sys

from grader.gradescope.runner import main

sys.exit(main())
