# SPDX-License-Identifier: ISC
#
# Runs waf from an unpacked waflib directory, the way waf's own self-extracting
# script would, so ./waf can use a waflib that is not a packaged waf binary.
import os
import sys

wafdir = os.path.abspath(sys.argv[1])
sys.argv = [os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "waf")] + sys.argv[2:]
sys.path.insert(0, wafdir)

from waflib import Context, Scripting  # noqa: E402

Scripting.waf_entry_point(os.getcwd(), Context.WAFVERSION, wafdir)
