package dev.cortado.runtime.container;

/** Told of every container lifecycle step, after it was recorded. */
public interface ContainerListener {

    enum Change { CREATED, STARTED, STOPPED, DELETED }

    void changed(Container container, Change change);
}
