package dev.cortado.image.pull;

/** Told how each pull ended, for the daemon's metrics. Called on the pulling thread; must not block. */
public interface PullObserver {

    PullObserver NONE = new PullObserver() {
        @Override
        public void finished(long layerBytes, double seconds) {
        }

        @Override
        public void failed(double seconds) {
        }
    };

    /** @param layerBytes the compressed size of the image's layers */
    void finished(long layerBytes, double seconds);

    void failed(double seconds);
}
