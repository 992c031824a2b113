"""Runs the real cortado-shim against a busybox rootfs and cleans up after it, even on failure."""
import os
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

import planenc as pe

BUSYBOX = '/bin/busybox'


def pid_alive(pid):
    try:
        with open('/proc/%d/stat' % pid) as f:
            return f.read().split(') ')[1][0] != 'Z'
    except (FileNotFoundError, IndexError):
        return False


def wait_until(cond, timeout=5.0, what='condition'):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if cond():
            return
        time.sleep(0.01)
    raise AssertionError('timed out after %.1fs waiting for %s' % (timeout, what))


def live_with_cmdline(cmdline):
    found = []
    for pid in filter(str.isdigit, os.listdir('/proc')):
        try:
            if open('/proc/%s/cmdline' % pid, 'rb').read() == cmdline and pid_alive(int(pid)):
                found.append(pid)
        except OSError:
            pass
    return found


def sanitizer_reports(root):
    """AddressSanitizer/UBSan/LeakSanitizer output the shims (shim.log) or children (the CRI log)
    left behind."""
    found = ''
    for d, _, files in os.walk(root):
        if d.startswith(os.path.join(root, 'rootfs')):
            continue
        for name in files:
            if name == 'shim.log' or name.startswith('ctr.log'):
                text = open(os.path.join(d, name), errors='replace').read()
                if 'Sanitizer' in text or 'runtime error:' in text:
                    found += '--- %s\n%s\n' % (os.path.join(d, name), text[:3000])
    return found


class Shim:
    """One shim started with `cortado-shim create`, and the requests a daemon would send it."""

    def __init__(self, harness, plan, name, log=True, check=True):
        self.h = harness
        self.bundle = os.path.join(harness.tmp, name)
        os.makedirs(self.bundle)
        self.plan_path = plan.write(os.path.join(self.bundle, 'plan'))
        self.socket = os.path.join(self.bundle, 'sock')
        self.log = os.path.join(self.bundle, 'ctr.log') if log else None
        self.exit_file = os.path.join(self.bundle, 'exit')
        self.shim_pid = self.init_pid = None
        argv = [harness.shim, 'create', '--id', name, '--bundle', self.bundle, '--plan', self.plan_path,
                '--socket', self.socket, '--log', self.log or '-', '--exit-file', self.exit_file]
        timer = os.environ.get('CORTADO_READY_LATENCY')
        t0 = time.perf_counter()
        proc = subprocess.Popen([timer] + argv if timer else argv, stdout=subprocess.PIPE,
                                stdin=subprocess.DEVNULL)
        self.line = proc.stdout.readline().decode()
        self.latency_ms = (time.perf_counter() - t0) * 1000
        if timer:
            # Timed from posix_spawn to the line, without Python's own process start.
            ms, _, self.line = self.line.partition(' ')
            self.latency_ms = float(ms)
        self.rest = proc.stdout.read().decode()
        proc.stdout.close()
        self.first_status = proc.wait()
        harness.shims.append(self)
        if self.line.startswith('READY '):
            self.shim_pid, self.init_pid = (int(x) for x in self.line.split()[1:3])
        elif check:
            raise AssertionError('create answered %r' % self.line)

    def request(self, line, timeout=10.0):
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as c:
            c.settimeout(timeout)
            c.connect(self.socket)
            c.sendall(line.encode() + b'\n')
            data = b''
            while True:
                chunk = c.recv(65536)
                if not chunk:
                    return data
                data += chunk

    def req(self, line, timeout=10.0):
        return self.request(line, timeout).decode().rstrip('\n')

    def start(self):
        reply = self.req('START')
        assert reply == 'OK', 'START answered %r' % reply

    def wait(self, timeout=10.0):
        reply = self.req('WAIT', timeout).split()
        assert reply[0] == 'OK', reply
        return int(reply[1]), int(reply[2])

    def exec(self, plan, timeout_ms=5000, cap=1 << 20):
        path = plan.write(os.path.join(self.bundle, 'exec-%d' % time.monotonic_ns()))
        data = self.request('EXEC %s %d %d' % (path, timeout_ms, cap), timeout=timeout_ms / 1000 + 10)
        head, _, payload = data.partition(b'\n')
        fields = head.decode().split()
        if fields[0] != 'OK':
            return head.decode(), None, None
        code, timed_out, nout, nerr = (int(x) for x in fields[1:5])
        assert len(payload) == nout + nerr, (head, len(payload))
        return (code, timed_out), payload[:nout].decode(), payload[nout:].decode()

    def records(self, path=None):
        """The CRI log as (stream, tag, content) tuples, each timestamp checked."""
        out = []
        with open(path or self.log, 'rb') as f:
            for line in f.read().decode().split('\n')[:-1]:
                ts, stream, tag, content = line.split(' ', 3) if line.count(' ') >= 3 else \
                    (line.split(' ') + [''])[:4]
                assert len(ts) == 30 and ts[10] == 'T' and ts.endswith('Z'), line
                out.append((stream, tag, content))
        return out

    def output(self, stream='stdout'):
        return ''.join(c + ('\n' if t == 'F' else '') for s, t, c in self.records() if s == stream)

    def run(self, timeout=10.0):
        """START, WAIT: the container's exit code and its stdout."""
        self.start()
        code, _ = self.wait(timeout)
        return code, self.output()

    def rss_kb(self):
        with open('/proc/%d/status' % self.shim_pid) as f:
            for line in f:
                if line.startswith('VmRSS:'):
                    return int(line.split()[1])
        raise AssertionError('no VmRSS')

    def cleanup(self):
        if self.shim_pid is None:
            return
        if pid_alive(self.shim_pid):
            for line in ('KILL 9 all', 'WAIT', 'ACK'):
                try:
                    self.request(line, timeout=3)
                except OSError:
                    break
            try:
                wait_until(lambda: not pid_alive(self.shim_pid), 3, 'shim exit')
            except AssertionError:
                pass
        for pid in (self.init_pid, self.shim_pid):
            if pid_alive(pid):
                try:
                    os.kill(pid, signal.SIGKILL)
                except ProcessLookupError:
                    pass


class Harness:
    """A temp dir with a busybox rootfs bind-mounted onto itself, and everything started in it."""

    def __init__(self, shim):
        self.shim = os.path.abspath(shim)
        self.tmp = tempfile.mkdtemp(prefix='cortado-shim-e2e-')
        self.shims = []
        self.cgroups = []
        self.mounts = []
        self.rootfs = os.path.join(self.tmp, 'rootfs')
        self.mounted = False
        os.makedirs(os.path.join(self.rootfs, 'bin'))
        shutil.copy(BUSYBOX, os.path.join(self.rootfs, 'bin', 'busybox'))
        applets = subprocess.run([BUSYBOX, '--list'], capture_output=True, text=True, check=True)
        for applet in applets.stdout.split():
            if applet != 'busybox':
                os.symlink('busybox', os.path.join(self.rootfs, 'bin', applet))
        for d in ('mnt', 'tmp', 'etc'):
            os.makedirs(os.path.join(self.rootfs, d))
        subprocess.run(['mount', '--bind', self.rootfs, self.rootfs], check=True)
        self.mounted = True

    def tmpfs(self, path):
        os.makedirs(path, exist_ok=True)
        subprocess.run(['mount', '-t', 'tmpfs', 'e2e', path], check=True)
        self.mounts.append(path)

    def cgroup(self, name):
        """A fresh cgroup (v2 if the host has it at the root, else the v1 pids hierarchy)."""
        base = '/sys/fs/cgroup' if os.path.exists('/sys/fs/cgroup/cgroup.procs') else '/sys/fs/cgroup/pids'
        path = os.path.join(base, '%s-%d' % (name, os.getpid()))
        os.mkdir(path)
        self.cgroups.append(path)
        return os.path.join(path, 'cgroup.procs')

    def close(self):
        for s in self.shims:
            s.cleanup()
        for path in self.cgroups:
            procs = os.path.join(path, 'cgroup.procs')
            try:
                for pid in open(procs).read().split():
                    os.kill(int(pid), signal.SIGKILL)
                wait_until(lambda: not open(procs).read().strip(), 3, 'an empty cgroup')
                os.rmdir(path)
            except (OSError, AssertionError) as e:
                print('cleanup: cgroup %s: %s' % (path, e))
        for path in reversed(self.mounts):
            subprocess.run(['umount', '-l', path])
        if self.mounted:
            subprocess.run(['umount', '-l', self.rootfs])
        shutil.rmtree(self.tmp, ignore_errors=True)

    def plan(self, args, **kw):
        return pe.container_plan(self.rootfs, args, **kw)

    def exec_plan(self, shim, args, namespaces=('ipc', 'uts', 'net', 'pid', 'mnt')):
        types = {'ipc': pe.CLONE_NEWIPC, 'uts': pe.CLONE_NEWUTS, 'net': pe.CLONE_NEWNET,
                 'pid': pe.CLONE_NEWPID, 'mnt': pe.CLONE_NEWNS, 'cgroup': pe.CLONE_NEWCGROUP}
        p = pe.Plan()
        for ns in namespaces:
            p.add(pe.JOIN_NAMESPACE, pe.u32(types[ns]) + pe.s('/proc/%d/ns/%s' % (shim.init_pid, ns)))
        for a in args:
            p.text(pe.ARG, a)
        p.text(pe.ENV, 'PATH=/bin')
        p.add(pe.USER, pe.u32(0) + pe.u32(0)).add(pe.GROUPS, b'')
        p.caps(pe.DEFAULT_CAPS, pe.DEFAULT_CAPS, 0, pe.DEFAULT_CAPS, 0)
        return p.add(pe.NO_NEW_PRIVS, pe.b(True))


def seccomp_deny(nr, errno_value):
    """BPF: fail syscall nr with errno_value, allow everything else (x86-64 numbering)."""
    def insn(code, jt, jf, k):
        return struct.pack('<HBBI', code, jt, jf, k)
    return (insn(0x20, 0, 0, 0) +                     # ld [0]: the syscall number
            insn(0x15, 0, 1, nr) +                    # jeq nr
            insn(0x06, 0, 0, 0x00050000 | errno_value) +  # ret ERRNO(errno_value)
            insn(0x06, 0, 0, 0x7fff0000))             # ret ALLOW
