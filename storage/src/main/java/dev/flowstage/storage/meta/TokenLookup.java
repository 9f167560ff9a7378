package dev.flowstage.storage.meta;

/** A token's owner and its user's admin flag (null for devices and users that no longer exist), read together. */
public record TokenLookup(TokenOwner owner, Boolean userAdmin) {}
