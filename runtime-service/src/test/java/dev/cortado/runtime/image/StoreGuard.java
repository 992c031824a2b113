package dev.cortado.runtime.image;

import java.io.IOException;

/**
 * Listings of a daemon's root (without its lock file) and of its directory around the root
 * (state, socket, config; not the log), taken before a call that must change nothing, to
 * compare with listings taken after it.
 */
record StoreGuard(TestDaemon daemon, TreeListing store, TreeListing around) {

    static StoreGuard of(TestDaemon daemon) throws IOException {
        return new StoreGuard(daemon, TreeListing.ofStore(daemon.root()), aroundRoot(daemon));
    }

    void assertUnchanged(String what) throws IOException {
        TreeListing.ofStore(daemon.root()).assertUnchangedSince(store, what);
        aroundRoot(daemon).assertUnchangedSince(around, what + " (outside the root)");
    }

    private static TreeListing aroundRoot(TestDaemon daemon) throws IOException {
        return TreeListing.of(daemon.dir(), name -> name.equals("root") || name.equals("daemon.log"));
    }
}
