#!/usr/bin/env python3
# SPDX-License-Identifier: ISC
#
# The mutation check: does the test suite catch small, realistic bugs?
# Each mutation of tests/mutate/mutations.txt (a file, a short snippet of it
# and the snippet's replacement) is applied, one at a time, to a scratch copy
# of the tree; the copy is rebuilt incrementally and the test steps run from
# the cheapest to the dearest, stopping at the first failure. The docs
# comparison (docs/modules.md against the module registry) is run and shown
# apart: a mutation only it notices is NOT caught, since it checks text, not
# behaviour. Standard library only; run by `./waf mutate` or directly:
#   tools/mutate.py [--only ID,ID] [--tag ci] [--list] [--keep-going] [--asan] ...
# With --asan the scratch copy is also built with ASan + UBSan (build-asan,
# as .ci/run builds it) and the UI's 100 open/close cycles run there under
# LeakSanitizer (tests/ui/check-ui-cycles.sh): the step that catches a leak
# too small for the plain build's resident-size check.
# The source tree is never modified: everything happens in the scratch copy.

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

TOP = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DEFAULT_LIST = os.path.join(TOP, 'tests', 'mutate', 'mutations.txt')
URI = 'http://chronus.audio/plugins/chronus'

CAUGHT, MISSED, NO_APPLY, NO_BUILD = 'caught', 'NOT CAUGHT', 'did not apply', 'did not build'


# ---- the list ----------------------------------------------------------------

class Mutation:
    def __init__(self, fields, where):
        self.where = where
        for key in ('id', 'file', 'bug', 'find', 'replace'):
            if key not in fields:
                raise ValueError('%s: mutation lacks "%s:"' % (where, key))
        self.id = fields['id']
        self.files = fields['file'].split()
        self.file = ' '.join(self.files)
        self.bug = fields['bug']
        self.find = fields['find']
        self.replace = unescape(fields['replace'])
        self.tags = fields.get('tags', '').split()
        self.expect = fields.get('expect', '')

    def pattern(self):
        """The snippet as a regular expression: any run of white space in it
        matches any run of white space (line breaks and indentation may
        change around it), everything else matches literally."""
        words = self.find.split()
        return re.compile(r'\s+'.join(re.escape(w) for w in words))


def unescape(text):
    return text.replace('\\n', '\n').replace('\\t', '\t')


def read_list(path):
    """Blocks of `key: value` lines separated by blank lines; # comments."""
    mutations, fields, start = [], {}, 0
    with open(path, encoding='utf-8') as f:
        lines = f.read().splitlines() + ['']
    for no, line in enumerate(lines, 1):
        if line.startswith('#'):
            continue
        if not line.strip():
            if fields:
                mutations.append(Mutation(fields, '%s:%d' % (path, start)))
                fields = {}
            continue
        key, sep, value = line.partition(':')
        if not sep or key.strip() not in ('id', 'file', 'bug', 'find', 'replace', 'tags', 'expect'):
            raise ValueError('%s:%d: expected "key: value" (id, file, bug, find, replace, tags, expect)'
                             % (path, no))
        if not fields:
            start = no
        fields[key.strip()] = value.strip() if key.strip() != 'replace' else value[1:] if value.startswith(' ') else value
    ids = [m.id for m in mutations]
    dup = sorted(set(i for i in ids if ids.count(i) > 1))
    if dup:
        raise ValueError('%s: ids used twice: %s' % (path, ', '.join(dup)))
    return mutations


def locate(root, m):
    """(file, its text, start, end) of the snippet's one match in the
    mutation's files (under root), or an error string."""
    found = []
    for name in m.files:
        try:
            with open(os.path.join(root, name), encoding='utf-8') as f:
                text = f.read()
        except FileNotFoundError:
            continue
        found += [(name, text, x) for x in m.pattern().finditer(text)]
    if not found:
        return 'snippet not found in %s: "%s"' % (' or '.join(m.files), m.find)
    if len(found) > 1:
        where = ['%s:%d' % (n, t.count('\n', 0, x.start()) + 1) for n, t, x in found]
        return 'snippet not unique (%s): "%s"' % (', '.join(where), m.find)
    name, text, x = found[0]
    return (name, text) + x.span()


# ---- running things ------------------------------------------------------------

def run(cmd, cwd, env=None, timeout=None, log=None):
    """(exit status or 'timeout', output). The whole process group is ended
    on a timeout, so a hung test leaves nothing behind."""
    t0 = time.time()
    p = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                         start_new_session=True)
    try:
        out, _ = p.communicate(timeout=timeout)
        rc = p.returncode
    except subprocess.TimeoutExpired:
        os.killpg(p.pid, signal.SIGKILL)
        out, _ = p.communicate()
        rc = 'timeout'
    text = out.decode('utf-8', 'replace')
    if log:
        log.write('$ %s  (in %s, %.1f s, status %s)\n%s\n' % (' '.join(cmd), cwd, time.time() - t0, rc, text))
        log.flush()
    return rc, text


def test_env(scratch):
    env = dict(os.environ)
    b = os.path.join(scratch, 'build')
    env['LV2_PATH'] = os.pathsep.join([os.path.join(b, 'lv2'), '/usr/lib/lv2'])
    env['CHRONUS_SOURCE_DIR'] = scratch
    env['CHRONUS_BUILD_DIR'] = b
    env['CHRONUS_URI'] = URI
    env.pop('LD_PRELOAD', None)
    return env


def cunit_failure(out):
    """The first failing CUnit test named in the output, or None."""
    m = re.search(r'Suite:?\s+(.+?),\s+Test:?\s+(.+?)\s+had failures', out)
    if m:
        return '%s/%s' % (m.group(1).strip(), m.group(2).strip())
    m = re.search(r'Test:\s+(.+?)\s+\.\.\.\s*FAILED', out)
    if m:
        return m.group(1).strip()
    return None


def describe(rc, out):
    if rc == 'timeout':
        return 'timed out'
    name = cunit_failure(out)
    if name:
        return name
    if isinstance(rc, int) and rc < 0:
        return 'crashed (%s)' % signal.Signals(-rc).name
    tail = [l for l in out.strip().splitlines() if l.strip()][-1:] or ['exit status %s' % rc]
    return tail[0].strip()[:100]


def waf_test_failure(rc, out):
    """Failing steps of a whole `./waf test`, the docs comparison left out
    (it is reported apart) and the jalv check's "not installed" too."""
    failed = []
    for line in out.splitlines():
        m = re.match(r'(?:\x1b\[[0-9;]*m)?(.+?)\s+FAILED(?:\x1b\[0m)?$', line.strip())
        if m and not m.group(1).startswith(('docs/', '==')) and 'docs/' not in m.group(1) and 'not installed' not in m.group(1):
            failed.append(m.group(1).strip())
    if failed:
        return ', '.join(failed)
    if rc != 0 and 'test step(s) failed' not in out:
        return 'waf test: status %s' % rc
    return None


class Step:
    """One test step: a name, a command and a timeout; `check` turns the
    status and output into None (passed) or what failed."""

    def __init__(self, name, cmd, timeout, extra_env=None, check=None):
        self.name, self.cmd, self.timeout = name, cmd, timeout
        self.extra_env = extra_env or {}
        self.check = check or (lambda rc, out: None if rc == 0 else describe(rc, out))

    def run(self, scratch, log):
        env = test_env(scratch)
        env.update({k: v.replace('@B@', os.path.join(scratch, 'build')).replace('@S@', scratch)
                    for k, v in self.extra_env.items()})
        cmd = [c.replace('@B@', os.path.join(scratch, 'build')).replace('@S@', scratch) for c in self.cmd]
        rc, out = run(cmd, scratch, env, self.timeout, log)
        return self.check(rc, out)


def sanitizer_failure(rc, out):
    """The sanitizer's summary ("AddressSanitizer: 16000 byte(s) leaked in
    100 allocation(s)") or the check's own failure line."""
    if rc == 0:
        return None
    m = re.search(r'SUMMARY: (.+)', out)
    return m.group(1).strip()[:100] if m else describe(rc, out)


ASAN_CONFIGURE = ['./waf', 'configure', '-o', 'build-asan', '--sanitize=address,undefined']


def make_steps(args):
    """Cheapest first. The last one, a whole `./waf test`, catches what the
    others do not run (steps added to wscript later), at the cost of
    running the rest again for a mutation nothing else caught."""
    t = args.timeout
    # Measured on the shared machine: rt ~2 s, jalv ~6 s, unit ~30 s, host
    # ~2 min.
    steps = [Step('real-time guard', ['@B@/tests/host-tests', 'rt'], t,
                  {'LD_PRELOAD': '@B@/tests/librt_guard.so',
                   'LV2_PATH': os.pathsep.join(['@B@/rt_probe', '@B@/lv2', '/usr/lib/lv2'])}),
             # As `./waf test` does: each fuzz target over its committed
             # corpus and make_seeds.py's current output (seconds).
             Step('fuzz replay', ['sh', '-c', 'set -e; s=@B@/fuzz-replay-seeds; '
                                  '%s @S@/tests/fuzz/make_seeds.py --out $s; '
                                  'for t in patch run state; do @B@/tests/fuzz-replay-$t '
                                  '@S@/tests/fuzz/corpus/$t $s/$t; done' % sys.executable], t)]
    if shutil.which('jalv') and shutil.which('jackd'):
        steps.append(Step('jalv', ['sh', '@S@/tests/jalv/check-jalv.sh'], t))
    if args.asan and shutil.which('Xvfb'):
        # The UI opened and closed 100 times in the ASan build (~5 s).
        steps.append(Step('ui under ASan', ['sh', '@S@/tests/ui/check-ui-cycles.sh', '@S@/build-asan', '100'], t,
                          {'LSAN_OPTIONS': 'suppressions=@S@/tests/lsan.supp'}, check=sanitizer_failure))
    if all(shutil.which(p) for p in ('Xvfb', 'jalv.gtk3', 'xdotool', 'import', 'jackd')):
        # The plugin's UI in jalv.gtk3 under Xvfb (~15 s).
        steps.append(Step('ui', ['sh', '@S@/tests/ui/check-ui.sh', '@B@', '@S@'], t,
                          {'LV2_PATH': os.pathsep.join(['@B@/lv2', '/usr/lib/lv2'])}))
    steps += [Step('unit tests', ['@B@/tests/unit-tests'], t),
              Step('host tests', ['@B@/tests/host-tests'], t)]
    if not args.quick:
        steps.append(Step('waf test', [sys.executable, '@S@/waf', 'test'], 3 * t, check=waf_test_failure))
    return steps


DOCS_STEP = Step('docs/modules.md comparison',
                 ['@B@/tests/unit-tests', '--check-modules-doc', '@S@/docs/modules.md'], 900)


# ---- the scratch copy ------------------------------------------------------------

def make_scratch(where, log, asan=False):
    """The tracked (and new, not ignored) files of the tree plus the cached
    waflib, configured and built once (and once more with ASan + UBSan in
    build-asan with asan)."""
    scratch = tempfile.mkdtemp(prefix='chronus-mutate-', dir=where)
    files = subprocess.run(['git', 'ls-files', '-z', '--cached', '--others', '--exclude-standard'],
                           cwd=TOP, capture_output=True, check=True).stdout.decode().split('\0')
    for f in files:
        src = os.path.join(TOP, f)
        if not f or not os.path.isfile(src):
            continue
        dst = os.path.join(scratch, f)
        os.makedirs(os.path.dirname(dst), exist_ok=True)
        shutil.copy2(src, dst)
    if os.path.isdir(os.path.join(TOP, '.waf-cache')):
        shutil.copytree(os.path.join(TOP, '.waf-cache'), os.path.join(scratch, '.waf-cache'), symlinks=True)
    env = dict(os.environ)
    env.pop('WAFLOCK', None)
    cmds = [(['./waf', 'configure', '--lv2dir=' + os.path.join(scratch, 'installed')], env), (['./waf', 'build'], env)]
    if asan:
        cmds += [(ASAN_CONFIGURE, asan_env()), (['./waf', 'build'], asan_env())]
    for cmd, e in cmds:
        rc, out = run(cmd, scratch, e, 1800, log)
        if rc != 0:
            sys.exit('mutate: `%s` fails in the scratch copy %s before any mutation:\n%s'
                     % (' '.join(cmd), scratch, out[-3000:]))
    return scratch


def asan_env():
    """The ASan build's own waf lock file, as in .ci/run."""
    env = dict(os.environ)
    env['WAFLOCK'] = '.lock-waf-asan'
    return env


def build(scratch, log, asan=False):
    env = dict(os.environ)
    env.pop('WAFLOCK', None)
    rc, out = run(['./waf', 'build'], scratch, env, 1800, log)
    if rc == 0 and asan:
        rc, out = run(['./waf', 'build'], scratch, asan_env(), 1800, log)
    if rc == 0:
        return None
    errors = [l for l in out.splitlines() if 'error' in l.lower()]
    return (errors[0] if errors else out.strip().splitlines()[-1:][0] if out.strip() else 'failed')[:160]


# ---- the check ---------------------------------------------------------------------

def flaky(why, args):
    return any(f in why for f in args.flaky)


def fmt_time(s):
    return '%d min %02d s' % (s // 60, s % 60)


def main():
    ap = argparse.ArgumentParser(description='Apply each mutation of a list to a scratch copy of the tree, '
                                             'build, run the tests, report which ones the tests catch.')
    ap.add_argument('--list-file', default=DEFAULT_LIST, help='the mutation list [%(default)s]')
    ap.add_argument('--only', default='', help='comma-separated ids to run')
    ap.add_argument('--tag', default='', help='run only the mutations with this tag (e.g. ci)')
    ap.add_argument('--list', action='store_true', help='list the mutations (and check their snippets) and exit')
    ap.add_argument('--keep-going', action='store_true',
                    help='run every step even after one failed (shows every step that catches a mutation)')
    ap.add_argument('--quick', action='store_true',
                    help='leave out the final whole `./waf test` step (faster; steps added to wscript later '
                         'are then not run)')
    ap.add_argument('--no-docs', action='store_true', help='do not run the docs comparison per mutation')
    ap.add_argument('--asan', action='store_true',
                    help='also build with ASan + UBSan (build-asan) and run the UI\'s open/close cycles there '
                         'under LeakSanitizer (a leak too small for the plain build\'s check)')
    ap.add_argument('--timeout', type=int, default=900, help='seconds per test step before it counts as hung '
                                                              '(and the mutation as caught) [%(default)s]')
    ap.add_argument('--flaky', action='append', default=None,
                    help='a test (name or part of it) known to fail now and then on a correct tree: a failure '
                         'of it counts only when it fails twice in a row [a burst of 1000 requests]')
    ap.add_argument('--scratch', default=None, help='reuse this scratch copy (made by an earlier run with --keep)')
    ap.add_argument('--keep', action='store_true', help='keep the scratch copy afterwards')
    ap.add_argument('--tmpdir', default=None, help='where the scratch copy goes [$TMPDIR]')
    ap.add_argument('--markdown', default=None, help='also write the results table to this file')
    ap.add_argument('--log', default=None, help='every command and its output [<scratch>/mutate.log]')
    args = ap.parse_args()
    if args.flaky is None:
        args.flaky = ['a burst of 1000 requests']  # issue 12: fails 22 times in 60 under load

    try:
        mutations = read_list(args.list_file)
    except (OSError, ValueError) as e:
        sys.exit('mutate: %s' % e)
    if args.only:
        want = [i.strip() for i in args.only.split(',') if i.strip()]
        unknown = [i for i in want if i not in [m.id for m in mutations]]
        if unknown:
            sys.exit('mutate: no mutation with id %s in %s' % (', '.join(unknown), args.list_file))
        mutations = [m for m in mutations if m.id in want]
    if args.tag:
        mutations = [m for m in mutations if args.tag in m.tags]
    if not args.asan and not args.list:
        # Only the ASan build's step can catch these (a leak too small for
        # the plain build's checks): left out without --asan, and said so.
        left = [m.id for m in mutations if 'asan' in m.tags]
        if left:
            print('mutate: left out without --asan: %s' % ', '.join(left), flush=True)
        mutations = [m for m in mutations if 'asan' not in m.tags]

    if args.list:
        bad = 0
        for m in mutations:
            where = locate(TOP, m)
            ok = isinstance(where, tuple)
            bad += not ok
            print('%-28s %-22s %-4s %s%s' % (m.id, m.file, ','.join(m.tags), m.bug,
                                              '' if ok else '\n    DOES NOT APPLY: ' + where))
        print('%d mutations, %d do not apply to the current tree' % (len(mutations), bad))
        return 1 if bad else 0

    t_start = time.time()
    if args.scratch:
        scratch = os.path.abspath(args.scratch)
        log = open(args.log or os.path.join(scratch, 'mutate.log'), 'a')
    else:
        tmp_log = tempfile.NamedTemporaryFile('w', prefix='chronus-mutate-', suffix='.log', delete=False)
        print('mutate: copying and building the tree in a scratch folder (log: %s)' % tmp_log.name, flush=True)
        scratch = make_scratch(args.tmpdir, tmp_log, args.asan)
        log = tmp_log
    print('mutate: scratch copy %s' % scratch, flush=True)
    steps = make_steps(args)

    # The unmutated tree must pass every step: a step that fails already
    # would "catch" everything.
    print('mutate: baseline (no mutation): %s' % ', '.join(s.name for s in steps), flush=True)
    t0 = time.time()
    for s in steps:
        why = s.run(scratch, log)
        for _ in range(2):
            if why and flaky(why, args):
                print('mutate: baseline: %s failed in a known flaky test (%s); again' % (s.name, why), flush=True)
                why = s.run(scratch, log)
        if why:
            sys.exit('mutate: the unmutated tree fails the step "%s" (%s): fix that first (log: %s)'
                     % (s.name, why, log.name))
    docs_base = None if args.no_docs else DOCS_STEP.run(scratch, log)
    print('mutate: baseline passed in %s%s' % (fmt_time(time.time() - t0),
          '' if args.no_docs else '; docs comparison %s' % ('passes' if not docs_base else 'FAILS already')),
          flush=True)

    results = []
    for n, m in enumerate(mutations, 1):
        t0 = time.time()
        log.write('\n==== mutation %s (%s)\n' % (m.id, m.bug))
        where = locate(scratch, m)
        r = {'m': m, 'status': NO_APPLY, 'by': [], 'docs': '', 'why': '', 'flaky': []}
        if not isinstance(where, tuple):
            r['why'] = where
        else:
            name, original, a, b = where
            path = os.path.join(scratch, name)
            with open(path, 'w', encoding='utf-8') as f:
                f.write(original[:a] + m.replace + original[b:])
            try:
                err = build(scratch, log, args.asan)
                if err:
                    r['status'], r['why'] = NO_BUILD, err
                else:
                    r['status'] = MISSED
                    for s in steps:
                        if s.name == 'waf test' and r['by']:
                            continue  # it would run the steps above again
                        why = s.run(scratch, log)
                        if why and flaky(why, args):
                            # Only a second failure counts: the test fails
                            # now and then on an unmutated tree too.
                            again = s.run(scratch, log)
                            if not again:
                                r['flaky'].append('%s: %s failed once, passed again' % (s.name, why))
                            why = again and why
                        if why:
                            r['status'] = CAUGHT
                            r['by'].append('%s: %s' % (s.name, why))
                            if not args.keep_going:
                                break
                    if not args.no_docs and not docs_base:
                        r['docs'] = 'fails' if DOCS_STEP.run(scratch, log) else 'passes'
            finally:
                with open(path, 'w', encoding='utf-8') as f:
                    f.write(original)
        r['seconds'] = time.time() - t0
        results.append(r)
        detail = '; '.join(r['by']) or r['why']
        if r['flaky']:
            detail += ' (%s)' % '; '.join(r['flaky'])
        print('[%d/%d] %-28s %-13s %s%s (%.0f s)' % (n, len(mutations), m.id, r['status'], detail,
              ' [docs comparison %s]' % r['docs'] if r['docs'] else '', r['seconds']), flush=True)
        if args.markdown:  # after each mutation: a run cut short still leaves its table
            with open(args.markdown, 'w', encoding='utf-8') as f:
                f.write(markdown(results, time.time() - t_start, args))

    total = time.time() - t_start
    table = markdown(results, total, args)
    print('\n' + table)
    if args.markdown:
        with open(args.markdown, 'w', encoding='utf-8') as f:
            f.write(table)
    if not args.keep and not args.scratch:
        shutil.rmtree(scratch, ignore_errors=True)
    else:
        print('mutate: scratch copy kept in %s (reuse it with --scratch)' % scratch)
    print('mutate: log in %s' % log.name)
    missed = [r for r in results if r['status'] != CAUGHT]
    return 1 if missed else 0


def markdown(results, total, args):
    counts = {}
    for r in results:
        counts[r['status']] = counts.get(r['status'], 0) + 1
    lines = ['| id | file | bug | caught by |', '|---|---|---|---|']
    for r in results:
        m = r['m']
        if r['status'] == CAUGHT:
            by = '; '.join(r['by'])
        elif r['status'] == MISSED:
            by = '**NOT CAUGHT**' + (' (only the docs comparison fails)' if r['docs'] == 'fails' else '')
        else:
            by = '**%s**: %s' % (r['status'].upper(), r['why'])
        if r['flaky']:
            by += ' (%s)' % '; '.join(r['flaky'])
        lines.append('| %s | %s | %s | %s |' % (m.id, m.file, m.bug.replace('|', '\\|'),
                                                by.replace('|', '\\|')))
    lines.append('')
    lines.append('%d mutations: %s; %s.' % (len(results), ', '.join('%d %s' % (v, k) for k, v in
                                                                    sorted(counts.items())),
                                              'run took ' + fmt_time(total)))
    return '\n'.join(lines) + '\n'


if __name__ == '__main__':
    sys.exit(main())
