"""End-to-end tests of ATTACH and EXEC_STREAM (framed connections); e2e.py runs them with the rest."""
import os
import socket
import struct
import time

import planenc as pe
from harness import Shim, live_with_cmdline, wait_until

STREAM_TESTS = []
STDIN, STDOUT, STDERR, EXIT, RESIZE = range(5)


def test(fn):
    STREAM_TESTS.append(fn)
    return fn


class Frames:
    """One streaming connection: the OK handshake, then frames both ways."""

    def __init__(self, shim, line, timeout=10.0):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(timeout)
        self.sock.connect(shim.socket)
        self.sock.sendall(line.encode() + b'\n')
        self.buf = b''
        while b'\n' not in self.buf:
            chunk = self.sock.recv(65536)
            if not chunk:
                break
            self.buf += chunk
        self.reply, _, self.buf = self.buf.partition(b'\n')
        self.reply = self.reply.decode()

    def send(self, stream, payload=b''):
        self.sock.sendall(struct.pack('>BI', stream, len(payload)) + payload)

    def resize(self, cols, rows):
        self.send(RESIZE, struct.pack('>HH', cols, rows))

    def _need(self, n):
        while len(self.buf) < n:
            chunk = self.sock.recv(65536)
            if not chunk:
                return False
            self.buf += chunk
        return True

    def frame(self, truncated_ok=False):
        """(stream, payload), or None at end of stream (a dropped client may see it mid-frame)."""
        if not self._need(5):
            assert truncated_ok or not self.buf, 'stream ended inside a frame header'
            return None
        stream, length = struct.unpack('>BI', self.buf[:5])
        if not self._need(5 + length):
            assert truncated_ok, 'stream ended inside a frame'
            return None
        payload, self.buf = self.buf[5:5 + length], self.buf[5 + length:]
        return stream, payload

    def collect(self, until=None, truncated_ok=False):
        """Output by stream and the exit code (None without an exit frame), up to the end or until
        until(out) holds."""
        out = {STDOUT: b'', STDERR: b''}
        code = None
        while until is None or not until(out):
            f = self.frame(truncated_ok)
            if f is None:
                break
            if f[0] == EXIT:
                code = struct.unpack('>i', f[1])[0]
                assert self.frame() is None, 'nothing follows the exit frame'
                break
            out[f[0]] += f[1]
        return out, code

    def close(self):
        self.sock.close()


def exec_stream(s, h, args, tty=False, stdin=False):
    p = h.exec_plan(s, args)
    if tty:
        p.add(pe.TTY, pe.b(True))
    path = p.write(os.path.join(s.bundle, 'xs-%d' % time.monotonic_ns()))
    return Frames(s, 'EXEC_STREAM %s %d %d' % (path, tty, stdin))


@test
def attach_output_stdin_once_and_exit(h):
    p = h.plan(['sh', '-c', 'echo ready; cat; echo bye >&2; exit 6'])
    p.add(pe.STDIN, pe.b(True)).add(pe.STDIN_ONCE, pe.b(True))
    s = Shim(h, p, 'attach')
    watcher = Frames(s, 'ATTACH 0 0 1')
    a = Frames(s, 'ATTACH 1 1 1')
    assert a.reply == 'OK' and watcher.reply == 'OK', (a.reply, watcher.reply)
    s.start()
    out, _ = a.collect(lambda o: o[STDOUT] == b'ready\n')
    a.send(STDIN, b'ping\n')
    out, _ = a.collect(lambda o: o[STDOUT] == b'ping\n')
    a.close()  # the first attach with stdin detaches: STDIN_ONCE closes the container's stdin
    assert s.wait() == (6, 0)
    out, code = watcher.collect()
    assert out == {STDOUT: b'', STDERR: b'bye\n'} and code == 6, (out, code)
    assert s.output() == 'ready\nping\n' and s.output('stderr') == 'bye\n', s.records()
    assert Frames(s, 'ATTACH 0 1 1').reply == 'ERR the container is not running'


@test
def attach_refusals_and_protocol_errors(h):
    s = Shim(h, h.plan(['sleep', '1000']), 'attach-err')
    s.start()
    assert Frames(s, 'ATTACH 1 1 1').reply.startswith('ERR the container has no stdin')
    assert Frames(s, 'ATTACH 1 2').reply.startswith('ERR usage: ATTACH')
    for bad in (struct.pack('>BI', 9, 0), struct.pack('>BI', STDIN, 1 << 20)):
        a = Frames(s, 'ATTACH 0 1 1')
        a.sock.sendall(bad)
        assert a.collect() == ({STDOUT: b'', STDERR: b''}, None), 'a broken client is dropped'
    a = Frames(s, 'ATTACH 0 1 1')
    a.resize(80, 24)  # no terminal: ignored
    a.send(STDIN, b'ignored')  # stdin was not asked for: dropped
    assert s.req('STATE').split()[1] == 'running'
    a.close()


@test
def attach_slow_client_is_dropped(h):
    p = h.plan(['sh', '-c', 'read go; head -c 6000000 /dev/zero; echo; echo done; sleep 1000'])
    s = Shim(h, p.add(pe.STDIN, pe.b(True)), 'attach-slow')
    s.start()
    a = Frames(s, 'ATTACH 1 1 1')
    a.send(STDIN, b'go\n')
    wait_until(lambda: 'done' in s.output(), 20, 'the container to write everything')
    out, code = a.collect(truncated_ok=True)
    assert len(out[STDOUT]) < 6000000 and code is None, (len(out[STDOUT]), code)


@test
def exec_stream_output_stdin_tty(h):
    s = Shim(h, h.plan(['sleep', '1000']), 'xs')
    s.start()
    x = exec_stream(s, h, ['sh', '-c', 'echo out; echo err >&2; exit 3'])
    assert x.reply == 'OK', x.reply
    assert x.collect() == ({STDOUT: b'out\n', STDERR: b'err\n'}, 3)
    x = exec_stream(s, h, ['cat'], stdin=True)
    data = b'0123456789' * 20000  # frames of at most 64 KiB; less than the shim buffers for the reply
    for i in range(0, len(data), 50000):
        x.send(STDIN, data[i:i + 50000])
    x.send(STDIN)
    out, code = x.collect()
    assert out[STDOUT] == data and code == 0, (len(out[STDOUT]), code)
    x = exec_stream(s, h, ['sh', '-c', 'read l; stty size; exit 2'], tty=True, stdin=True)
    x.resize(132, 43)
    x.send(STDIN, b'go\n')
    out, code = x.collect()
    assert b'43 132' in out[STDOUT] and code == 2, (out, code)
    assert exec_stream(s, h, ['nosuch']).reply == 'ERR exec nosuch: No such file or directory'
    p = h.exec_plan(s, ['true']).write(os.path.join(s.bundle, 'xs-tty'))
    assert Frames(s, 'EXEC_STREAM %s 1 0' % p).reply.startswith('ERR plan:')
    assert s.req('STATE').split()[1] == 'running'


@test
def exec_stream_client_gone_kills_the_command(h):
    s = Shim(h, h.plan(['sleep', '1000']), 'xs-kill')
    s.start()
    x = exec_stream(s, h, ['sh', '-c', 'sleep 2345 & echo started; sleep 2345'])
    x.collect(lambda o: o[STDOUT] == b'started\n')
    wait_until(lambda: len(live_with_cmdline(b'sleep\x002345\x00')) == 2, 5, 'both sleeps to run')
    x.close()
    wait_until(lambda: live_with_cmdline(b'sleep\x002345\x00') == [], 5, 'the exec to be killed')
    assert s.req('STATE').split()[1] == 'running'
