#!/usr/bin/env python
"""Django's command-line utility for ParkBeat."""
import sys

from parkbeat.__main__ import main

if __name__ == "__main__":
    sys.exit(main())
