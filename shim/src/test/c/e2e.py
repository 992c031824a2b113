#!/usr/bin/env python3
"""End-to-end tests of the real cortado-shim binary (run as root): e2e.py path/to/cortado-shim."""
import os
import select
import signal
import socket
import stat
import subprocess
import sys
import time
import traceback

import planenc as pe
from stream_e2e import STREAM_TESTS
from harness import (Harness, Shim, live_with_cmdline, pid_alive, sanitizer_reports, seccomp_deny,
                     wait_until)

TESTS = []
LATENCIES = []


def test(fn):
    TESTS.append(fn)
    return fn


@test
def create_start_wait_ack(h):
    s = Shim(h, h.plan(['sh', '-c', 'echo hello; echo oops >&2; exit 3']), 'basic')
    LATENCIES.append(s.latency_ms)
    assert s.line == 'READY %d %d\n' % (s.shim_pid, s.init_pid), s.line
    assert s.rest == '' and s.first_status == 0, (s.rest, s.first_status)
    assert open(os.path.join(s.bundle, 'shim.pid')).read() == str(s.shim_pid)
    assert stat.S_IMODE(os.stat(s.socket).st_mode) == 0o600
    state = s.req('STATE').split()
    assert state == ['OK', 'created', str(s.init_pid), '-', '-', '-', '-', '0'], state
    assert s.run() == (3, 'hello\n')
    assert s.output('stderr') == 'oops\n'
    code, sig, finished = open(s.exit_file).read().split()
    assert (code, sig) == ('3', '0') and abs(int(finished) - time.time_ns()) < 60e9, finished
    state = s.req('STATE').split()
    assert state[1:5] == ['stopped', str(s.init_pid), '3', '0'] and int(state[5]) <= int(state[6]), state
    assert s.req('WAIT') == 'OK 3 0 %s' % finished
    assert s.req('ACK') == 'OK'
    wait_until(lambda: not pid_alive(s.shim_pid), 5, 'the shim to exit after ACK')
    assert not os.path.exists(s.socket)
    version = subprocess.run([h.shim, '--version'], capture_output=True, text=True).stdout
    assert version == 'cortado-shim 0.1.0 plan-v1 proto-v1\n', version


@test
def command_not_found(h):
    s = Shim(h, h.plan(['nosuchcommand']), 'notfound')
    reply = s.req('START')
    assert reply == 'ERR exec nosuchcommand: No such file or directory', reply
    assert s.wait() == (-1, 0)
    lines = open(s.exit_file).read().split('\n')
    assert lines[0].startswith('-1 0 ') and lines[1] == 'exec nosuchcommand: No such file or directory', lines
    s2 = Shim(h, h.plan(['/bin/nope']), 'notfound2')
    assert s2.req('START') == 'ERR exec /bin/nope: No such file or directory'


@test
def ack_before_exit_is_refused(h):
    s = Shim(h, h.plan(['sleep', '100']), 'early-ack')
    s.start()
    waiter = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        waiter.settimeout(10)
        waiter.connect(s.socket)
        waiter.sendall(b'WAIT\n')  # a pending WAIT does not hold up other requests
        assert s.req('ACK') == 'ERR the container has not exited'
        assert s.req('START') == 'ERR the container was already started'
        assert s.req('ATTACH 0 1') == 'ERR usage: ATTACH <stdin 0/1> <stdout 0/1> <stderr 0/1>'
        assert s.req('FROB') == 'ERR unknown request "FROB"'
        assert s.req('KILL x') == 'ERR usage: KILL <signal> [all]'
        assert s.req('KILL 9') == 'OK'
        assert waiter.recv(100).decode().startswith('OK 137 9 ')
    finally:
        waiter.close()
    assert s.wait() == (137, 9)
    assert open(s.exit_file).read().startswith('137 9 ')


@test
def kill_all_in_pid_namespace(h):
    s = Shim(h, h.plan(['sh', '-c', 'sleep 1000 & sleep 1000 & wait; echo children gone']), 'killall')
    s.start()
    time.sleep(0.2)
    # The namespace's pid 1 ignores SIGTERM; its children do not, and then it finishes on its own.
    assert s.req('KILL 15 all') == 'OK'
    assert s.wait() == (0, 0)
    assert 'children gone' in s.output()


@test
def kill_all_through_cgroup(h):
    procs = h.cgroup('cortado-e2e-kill')
    p = h.plan(['sh', '-c', 'sleep 1000 & sleep 1000 & wait'], namespaces=pe.CLONE_NEWNS)
    p.text(pe.CGROUP_PROCS, procs)
    s = Shim(h, p, 'cgkill')
    # placed after READY, before START is served
    s.start()
    assert str(s.init_pid) in open(procs).read().split()
    wait_until(lambda: len(open(procs).read().split()) == 3, 5, 'three processes in the cgroup')
    assert s.req('KILL 9 all') == 'OK'
    assert s.wait() == (137, 9)
    wait_until(lambda: open(procs).read().split() == [], 5, 'an empty cgroup')


@test
def namespaces_and_root(h):
    script = ('echo pid=$$; hostname; ls -d /proc/[0-9]* | wc -l; '
              'test -e /../../../etc/debian_version && echo host-visible || echo host-hidden; '
              'mount -t tmpfs none /mnt && touch /mnt/marker && echo mounted; '
              'cat /proc/kcore | wc -c; ls /sys/firmware | wc -l; '
              'echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo sys-writable || echo sys-ro; '
              'readlink /dev/fd; ls /dev/null /dev/zero /dev/urandom /dev/tty /dev/pts/ptmx | wc -l')
    p = h.plan(['sh', '-c', script], hostname='e2e-box')
    p.records = [r for r in p.records if r[0] != pe.CAPS]
    all_caps = pe.DEFAULT_CAPS | 1 << 21  # CAP_SYS_ADMIN, to mount inside
    s = Shim(h, p.caps(all_caps, all_caps, 0, all_caps, 0), 'ns')
    code, out = s.run()
    assert code == 0, (code, out, s.output('stderr'))
    lines = out.split('\n')
    # sh, ls and (once sh has forked it, which may come after ls read /proc) wc: no host process
    assert lines[2] in ('2', '3'), out
    assert lines[:2] + lines[3:] == ['pid=1', 'e2e-box', 'host-hidden', 'mounted', '0', '0', 'sys-ro',
                                     '/proc/self/fd', '5', ''], out
    assert not os.path.exists(os.path.join(h.rootfs, 'mnt', 'marker'))
    assert os.uname().nodename != 'e2e-box'
    with open('/proc/self/mountinfo') as f:
        assert h.rootfs + '/mnt' not in f.read()


@test
def user_groups_capabilities(h):
    caps = (1 << 0) | (1 << 10)  # CAP_CHOWN, CAP_NET_BIND_SERVICE
    p = h.plan(['sh', '-c', 'id; grep -E "^(Cap|NoNewPrivs)" /proc/self/status; pwd; stat -c %u:%g .'])
    p.records = [r for r in p.records if r[0] not in (pe.USER, pe.GROUPS, pe.CAPS)]
    p.add(pe.USER, pe.u32(1000) + pe.u32(1001)).add(pe.GROUPS, pe.u32(10) + pe.u32(20))
    p.caps(pe.DEFAULT_CAPS, caps, caps, caps, caps)
    p.text(pe.CWD, '/home/e2e/work')
    s = Shim(h, p, 'user')
    code, out = s.run()
    assert code == 0, (out, s.output('stderr'))
    lines = out.split('\n')
    assert lines[0] == 'uid=1000 gid=1001 groups=10,20', lines[0]
    status = dict(l.split(':\t') for l in lines[1:7])
    want = {'CapInh': caps, 'CapPrm': caps, 'CapEff': caps, 'CapBnd': pe.DEFAULT_CAPS, 'CapAmb': caps}
    for k, v in want.items():
        assert int(status[k], 16) == v, (k, status[k], hex(v))
    assert status['NoNewPrivs'] == '1'
    assert lines[7:9] == ['/home/e2e/work', '1000:1001'], lines[7:9]


@test
def readonly_rootfs(h):
    p = h.plan(['sh', '-c', 'touch /newfile 2>&1; touch /dev/shm/ok && echo shm-writable'])
    p.add(pe.ROOTFS_READONLY, pe.b(True))
    s = Shim(h, p, 'ro')
    code, out = s.run()
    assert 'Read-only file system' in out and 'shm-writable' in out, out
    assert not os.path.exists(os.path.join(h.rootfs, 'newfile'))


@test
def limits_sysctl_oom_seccomp(h):
    p = h.plan(['sh', '-c', 'ulimit -n; cat /proc/self/oom_score_adj; '
                'cat /proc/sys/net/ipv4/ip_unprivileged_port_start; mkdir /tmp/x 2>&1; true'])
    p.add(pe.RLIMIT, pe.u32(7) + pe.u64(1000) + pe.u64(2000))
    p.add(pe.OOM_SCORE_ADJ, pe.u32(500))
    p.add(pe.SYSCTL, pe.s('net.ipv4.ip_unprivileged_port_start') + pe.s('80'))
    p.add(pe.SECCOMP, pe.u32(0) + seccomp_deny(83, 1))  # mkdir -> EPERM
    code, out = Shim(h, p, 'limits').run()
    lines = out.split('\n')
    assert lines[:3] == ['1000', '500', '80'], lines
    host = open('/proc/sys/net/ipv4/ip_unprivileged_port_start').read().strip()
    assert host != '80', 'the sysctl reached the host'
    assert 'Operation not permitted' in lines[3], lines


@test
def no_pivot_and_recursive_readonly_bind(h):
    data = os.path.join(h.tmp, 'data')
    h.tmpfs(os.path.join(data, 'sub'))
    p = h.plan(['sh', '-c', 'test -e /../../../etc/debian_version && echo host-visible; '
                'ls /data; touch /data/x /data/sub/x 2>&1 | wc -l; touch /plain/x /plain/sub/y 2>&1 | wc -l; '
                'cat /proc/self/cgroup | grep -vc ":/$"'],
               namespaces=pe.CLONE_NEWNS | pe.CLONE_NEWPID | pe.CLONE_NEWCGROUP)
    p.mount(data, '/data', '', pe.MS_BIND | pe.MS_REC | pe.MS_RDONLY | pe.RECURSIVE_READONLY)
    # a plain read-only bind: only its top mount is read-only, as the CRI's readonly says
    p.mount(data, '/plain', '', pe.MS_BIND | pe.MS_REC | pe.MS_RDONLY)
    p.add(pe.NO_PIVOT, pe.b(True))
    code, out = Shim(h, p, 'nopivot').run()
    assert out == 'sub\n2\n1\n0\n', out
    assert os.listdir(os.path.join(data, 'sub')) == ['y']


@test
def container_joins_pod_namespaces(h):
    pod = pe.Plan().add(pe.NEW_NAMESPACES, pe.u32(pe.CLONE_NEWPID | pe.CLONE_NEWIPC | pe.CLONE_NEWUTS |
                                                   pe.CLONE_NEWNET))
    pause = Shim(h, pod.add(pe.PAUSE, pe.b(True)).text(pe.HOSTNAME, 'the-pod'), 'pod', log=False)
    pause.start()
    p = h.plan(['sh', '-c', 'hostname; readlink /proc/self/ns/net; echo $$'], hostname=None,
               namespaces=pe.CLONE_NEWNS)
    for ns, bit in (('net', pe.CLONE_NEWNET), ('ipc', pe.CLONE_NEWIPC), ('uts', pe.CLONE_NEWUTS),
                    ('pid', pe.CLONE_NEWPID)):
        p.add(pe.JOIN_NAMESPACE, pe.u32(bit) + pe.s('/proc/%d/ns/%s' % (pause.init_pid, ns)))
    s = Shim(h, p, 'member')
    code, out = s.run()
    name, net, pid = out.split('\n')[:3]
    assert name == 'the-pod' and net == os.readlink('/proc/%d/ns/net' % pause.init_pid), out
    assert pid != '1', out  # pid 1 of the pod's namespace is the pod init
    assert pause.req('KILL 15') == 'OK' and pause.wait() == (0, 0)


@test
def exec_output_code_timeout(h):
    s = Shim(h, h.plan(['sleep', '1000'], hostname='execbox'), 'exec')
    s.start()
    res, out, err = s.exec(h.exec_plan(s, ['sh', '-c', 'echo out $$; hostname; echo err >&2; exit 4']))
    assert res == (4, 0), (res, out, err)
    pid, host = out.split('\n')[0].split()[1], out.split('\n')[1]
    assert pid != '1' and host == 'execbox' and err == 'err\n', (out, err)
    res, out, _ = s.exec(h.exec_plan(s, ['sh', '-c', 'ls -d /proc/[0-9]*']))
    assert '/proc/1\n' in out, out
    res, out, _ = s.exec(h.exec_plan(s, ['sh', '-c', 'yes | head -c 100000']), cap=1000)
    assert res == (0, 0) and out == 'y\n' * 500, (res, len(out))
    t0 = time.monotonic()
    res, out, _ = s.exec(h.exec_plan(s, ['sh', '-c', 'echo before; sleep 100 & sleep 100']), timeout_ms=300)
    assert res == (-1, 1) and out == 'before\n' and time.monotonic() - t0 < 5, (res, out)
    wait_until(lambda: live_with_cmdline(b'sleep\x00100\x00') == [], 3, 'the timed-out exec to be gone')
    res, _, _ = s.exec(h.exec_plan(s, ['nosuch']))
    assert res == 'ERR exec nosuch: No such file or directory', res
    assert s.req('STATE').split()[1] == 'running'


@test
def exec_with_tty_and_user(h):
    s = Shim(h, h.plan(['sleep', '1000']), 'exec-tty')
    s.start()
    p = h.exec_plan(s, ['sh', '-c', 'tty; echo err >&2; exit 2'])
    res, out, err = s.exec(p.add(pe.TTY, pe.b(True)))
    assert res == (2, 0) and out == '/dev/pts/0\r\nerr\r\n' and err == '', (res, out, err)
    p = h.exec_plan(s, ['id'])
    p.records = [r for r in p.records if r[0] not in (pe.USER, pe.GROUPS)]
    res, out, _ = s.exec(p.add(pe.USER, pe.u32(123) + pe.u32(456)).add(pe.GROUPS, pe.u32(7)))
    assert out == 'uid=123 gid=456 groups=7\n', out


@test
def stdin_pipe_and_close(h):
    p = h.plan(['sh', '-c', 'cat; echo stdin closed'])
    p.add(pe.STDIN, pe.b(True))
    s = Shim(h, p, 'stdin')
    s.start()
    time.sleep(0.2)
    assert s.req('STATE').split()[1] == 'running'
    assert s.req('CLOSE_STDIN') == 'OK'
    assert s.wait() == (0, 0)
    assert s.output() == 'stdin closed\n'


@test
def tty_and_resize(h):
    p = h.plan(['sh', '-c', 'tty; sleep 0.5; stty size'])
    p.add(pe.TTY, pe.b(True))
    s = Shim(h, p, 'tty')
    s.start()
    assert s.req('RESIZE 40 100') == 'OK'
    assert s.wait() == (0, 0)
    out = s.output().replace('\r', '')
    assert out.startswith('/dev/pts/') and out.endswith('40 100\n'), repr(out)
    assert Shim(h, h.plan(['true']), 'notty').req('RESIZE 1 1') == 'ERR the container has no terminal'


@test
def log_split_eof_and_reopen(h):
    p = h.plan(['sh', '-c', 'echo 0123456789abcdefXYZ; echo short; sleep 0.5; printf tail'])
    p.add(pe.LOG_MAX_LINE, pe.u32(8))
    s = Shim(h, p, 'log')
    s.start()
    wait_until(lambda: os.path.exists(s.log) and 'short' in open(s.log).read(), 5, 'the first lines')
    os.rename(s.log, s.log + '.1')
    assert s.req('REOPEN') == 'OK'
    assert s.wait() == (0, 0)
    assert s.records(s.log + '.1') == [('stdout', 'P', '01234567'), ('stdout', 'P', '89abcdef'),
                                       ('stdout', 'F', 'XYZ'), ('stdout', 'F', 'short')]
    assert s.records() == [('stdout', 'F', 'tail')], s.records()


@test
def create_error_cleans_up(h):
    p = h.plan(['true'])
    p.mount('none', '/broken', 'nosuchfs')
    s = Shim(h, p, 'broken', check=False)
    assert s.line == 'ERROR mount /broken: No such device\n', s.line
    assert not os.path.exists(s.socket)
    bad = pe.Plan().text(pe.ARG, 'x').text(pe.CWD, '/a').text(pe.CWD, '/b')
    s = Shim(h, bad, 'badplan', check=False)
    assert s.line == 'ERROR plan: record tag 3 appears more than once\n', s.line


@test
def cgroup_placement_failure_fails_start(h):
    p = h.plan(['true'])
    p.text(pe.CGROUP_PROCS, '/sys/fs/cgroup/pids/cortado-e2e-no-such-cgroup/cgroup.procs')
    s = Shim(h, p, 'noplace')
    reply = s.req('START')
    assert reply == 'ERR cgroup /sys/fs/cgroup/pids/cortado-e2e-no-such-cgroup/cgroup.procs: ' \
        'No such file or directory', reply
    assert s.wait() == (-1, 0)
    with open(s.exit_file) as f:
        assert f.read().split('\n')[1] == reply[4:]
    assert not os.path.exists('/proc/%d' % s.init_pid) or open('/proc/%d/stat' % s.init_pid).read().split()[2] == 'Z'


@test
def pod_pause_init(h):
    p = pe.Plan().add(pe.NEW_NAMESPACES, pe.u32(pe.CLONE_NEWPID | pe.CLONE_NEWIPC | pe.CLONE_NEWUTS))
    p.add(pe.PAUSE, pe.b(True)).text(pe.HOSTNAME, 'pod')
    s = Shim(h, p, 'pause', log=False)
    s.start()
    assert s.req('STATE').split()[1] == 'running'
    res, out, _ = s.exec(h.exec_plan(s, ['/bin/busybox', 'sh', '-c', 'echo $$; hostname'],
                                     namespaces=('ipc', 'uts', 'pid')))
    assert res == (0, 0) and out.split('\n')[1] == 'pod', (res, out)
    assert s.req('KILL 15') == 'OK'
    assert s.wait() == (0, 0)


@test
def survives_its_parent_being_killed(h):
    p = h.plan(['sleep', '1000'])
    bundle = os.path.join(h.tmp, 'orphan')
    os.makedirs(bundle)
    plan = p.write(os.path.join(bundle, 'plan'))
    sock = os.path.join(bundle, 'sock')
    parent = subprocess.Popen(
        ['sh', '-c', '"$0" create --id orphan --bundle "$1" --plan "$2" --socket "$3" --log - '
         '--exit-file "$1/exit"; exec sleep 1000', h.shim, bundle, plan, sock],
        stdout=subprocess.PIPE, start_new_session=True)
    try:
        ready, _, _ = select.select([parent.stdout], [], [], 10)
        line = parent.stdout.readline().decode() if ready else '(nothing within 10s)'
    finally:
        os.killpg(parent.pid, signal.SIGKILL)
        parent.wait()
    assert line.startswith('READY '), line
    s = Shim.__new__(Shim)
    s.h, s.bundle, s.socket, s.log, s.exit_file = h, bundle, sock, None, os.path.join(bundle, 'exit')
    s.shim_pid, s.init_pid = (int(x) for x in line.split()[1:3])
    h.shims.append(s)
    assert os.getsid(s.shim_pid) == s.shim_pid
    s.start()
    assert s.req('STATE').split()[1] == 'running'
    assert s.req('KILL 9') == 'OK' and s.wait() == (137, 9)


@test
def resident_size_and_ready_latency(h):
    s = Shim(h, h.plan(['sleep', '1000']), 'rss')
    s.start()
    time.sleep(0.1)
    rss = s.rss_kb()
    print('  idle shim with a running container: VmRSS %d kB' % rss)
    if os.environ.get('CORTADO_SHIM_SANITIZED') != '1':
        assert rss < 1024, rss
    for i in range(20):
        t = Shim(h, h.plan(['true']), 'lat%d' % i)
        LATENCIES.append(t.latency_ms)
        t.cleanup()
    lat = sorted(LATENCIES)
    print('  create to READY over %d runs: min %.2f ms, median %.2f ms, max %.2f ms'
          % (len(lat), lat[0], lat[len(lat) // 2], lat[-1]))
    assert lat[len(lat) // 2] < 1000, lat


def main():
    TESTS.extend(STREAM_TESTS)
    if os.geteuid() != 0:
        print('e2e: the shim tests need root (namespaces, mounts)')
        return 1
    if not os.access(sys.argv[1], os.X_OK):
        print('e2e: %s is not an executable' % sys.argv[1])
        return 1
    h = Harness(sys.argv[1])
    passed = failed = 0
    only = sys.argv[2:]
    try:
        for fn in TESTS:
            if only and fn.__name__ not in only:
                continue
            try:
                fn(h)
                passed += 1
                print('ok   %s' % fn.__name__)
            except Exception:
                failed += 1
                print('FAIL %s' % fn.__name__)
                traceback.print_exc(file=sys.stdout)
        found = sanitizer_reports(h.tmp)
        if found:
            failed += 1
            print('FAIL sanitizer reports:\n' + found)
    finally:
        h.close()
    print('e2e: %d passed, %d failed' % (passed, failed))
    return 0 if failed == 0 else 1


if __name__ == '__main__':
    sys.exit(main())
