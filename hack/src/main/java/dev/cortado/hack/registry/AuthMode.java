package dev.cortado.hack.registry;

/** How a {@link LocalRegistry} asks clients to authenticate. */
public enum AuthMode {
    /** Anyone may pull and push. */
    NONE,
    /** HTTP Basic against an htpasswd file (bcrypt). */
    BASIC,
    /** Docker token authentication: Bearer JWTs from an in-process token server. */
    TOKEN
}
