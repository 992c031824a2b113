"""A test-only plan-v1 encoder (shim/PROTOCOL.md section 2); the daemon has its own in Java."""
import struct

ARG, ENV, CWD, HOSTNAME, ROOTFS, ROOTFS_READONLY, NO_PIVOT, NEW_NAMESPACES, JOIN_NAMESPACE, MOUNT, \
    MASK, READONLY, DEVICE, SYSCTL, RLIMIT, USER, GROUPS, CAPS, NO_NEW_PRIVS, SECCOMP, OOM_SCORE_ADJ, \
    CGROUP_PROCS, TTY, STDIN, STDIN_ONCE, PAUSE, LOG_MAX_LINE = range(1, 28)

CLONE_NEWNS, CLONE_NEWCGROUP, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWPID, CLONE_NEWNET = \
    0x00020000, 0x02000000, 0x04000000, 0x08000000, 0x20000000, 0x40000000

MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REMOUNT, MS_BIND, MS_REC = 1, 2, 4, 8, 32, 4096, 16384
RECURSIVE_READONLY = 1 << 40  # the plan's own flag: a read-only bind with read-only submounts
MS_STRICTATIME, MS_PRIVATE, MS_SLAVE = 1 << 24, 1 << 18, 1 << 19
S_IFCHR = 0o020000
DIR_TARGET, FILE_TARGET, ROOT_PROPAGATION, SYMLINK = 0, 1, 2, 3


def s(text):
    b = text.encode()
    return struct.pack('<I', len(b)) + b


def u32(v):
    return struct.pack('<I', v & 0xffffffff)


def u64(v):
    return struct.pack('<Q', v)


def b(v):
    return bytes([1 if v else 0])


class Plan:
    def __init__(self):
        self.records = []

    def add(self, tag, value):
        self.records.append((tag, value))
        return self

    def text(self, tag, value):
        return self.add(tag, value.encode())

    def mount(self, source, target, fstype, flags=0, data='', propagation=0, kind=DIR_TARGET):
        return self.add(MOUNT, s(source) + s(target) + s(fstype) + u64(flags) + s(data) +
                        u64(propagation) + u32(kind))

    def device(self, path, major, minor, mode=0o666, uid=0, gid=0):
        return self.add(DEVICE, s(path) + u32(S_IFCHR) + u32(major) + u32(minor) + u32(mode) +
                        u32(uid) + u32(gid))

    def caps(self, bounding, effective, inheritable, permitted, ambient):
        return self.add(CAPS, u64(bounding) + u64(effective) + u64(inheritable) + u64(permitted) +
                        u64(ambient))

    def encode(self):
        out = b'CRTDPLAN' + struct.pack('<II', 1, len(self.records))
        for tag, value in self.records:
            out += struct.pack('<HI', tag, len(value)) + value
        return out

    def write(self, path):
        with open(path, 'wb') as f:
            f.write(self.encode())
        return path


# The capabilities a default container keeps (as Docker and containerd choose them).
DEFAULT_CAPS = sum(1 << c for c in (0, 1, 3, 4, 5, 6, 7, 8, 10, 13, 18, 27, 29, 31))


def container_plan(rootfs, args, hostname='box', env=('PATH=/usr/sbin:/usr/bin:/sbin:/bin',),
                   namespaces=CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWNET):
    """A plan shaped like the daemon's for an ordinary container on a busybox rootfs."""
    p = Plan().add(NEW_NAMESPACES, u32(namespaces)).text(ROOTFS, rootfs)
    for a in args:
        p.text(ARG, a)
    for e in env:
        p.text(ENV, e)
    if hostname:
        p.text(HOSTNAME, hostname)
    p.mount('proc', '/proc', 'proc', MS_NOSUID | MS_NOEXEC | MS_NODEV)
    p.mount('tmpfs', '/dev', 'tmpfs', MS_NOSUID | MS_STRICTATIME, 'mode=755,size=65536k')
    p.mount('devpts', '/dev/pts', 'devpts', MS_NOSUID | MS_NOEXEC,
            'newinstance,ptmxmode=0666,mode=0620,gid=5')
    p.mount('shm', '/dev/shm', 'tmpfs', MS_NOSUID | MS_NOEXEC | MS_NODEV, 'mode=1777,size=65536k')
    p.mount('mqueue', '/dev/mqueue', 'mqueue', MS_NOSUID | MS_NOEXEC | MS_NODEV)
    p.mount('sysfs', '/sys', 'sysfs', MS_NOSUID | MS_NOEXEC | MS_NODEV | MS_RDONLY)
    for link, target in (('/dev/fd', '/proc/self/fd'), ('/dev/stdin', '/proc/self/fd/0'),
                         ('/dev/stdout', '/proc/self/fd/1'), ('/dev/stderr', '/proc/self/fd/2'),
                         ('/dev/ptmx', 'pts/ptmx')):
        p.mount(target, link, '', kind=SYMLINK)
    for name, major, minor in (('null', 1, 3), ('zero', 1, 5), ('full', 1, 7), ('random', 1, 8),
                               ('urandom', 1, 9), ('tty', 5, 0)):
        p.device('/dev/' + name, major, minor)
    for path in ('/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/acpi', '/sys/firmware',
                 '/proc/scsi'):
        p.text(MASK, path)
    for path in ('/proc/sys', '/proc/sysrq-trigger', '/proc/bus', '/proc/fs', '/proc/irq'):
        p.text(READONLY, path)
    p.add(USER, u32(0) + u32(0)).add(GROUPS, b'')
    p.caps(DEFAULT_CAPS, DEFAULT_CAPS, 0, DEFAULT_CAPS, 0)
    p.add(NO_NEW_PRIVS, b(True))
    return p
