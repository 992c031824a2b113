/**
 * Pod networking through CNI plugins, the way libcni drives them: the network configuration
 * from the configuration directory, ADD/CHECK/DEL by executing plugin binaries, and the result
 * cache that lets DEL run after a daemon restart.
 */
package dev.cortado.runtime.network;
