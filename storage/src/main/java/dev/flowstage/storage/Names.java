package dev.flowstage.storage;

import java.util.regex.Pattern;

/** The allow-list for names of teams, applications, targets and pipelines (SPEC §2). */
public final class Names {
    private static final Pattern NAME = Pattern.compile("^[a-z0-9][a-z0-9-]{0,62}$");
    /** User names may also contain dots and underscores, as on most Git hosts. */
    private static final Pattern USER = Pattern.compile("^[a-z0-9][a-z0-9._-]{0,62}$");

    private Names() {}

    public static boolean isValid(String name) {
        return name != null && NAME.matcher(name).matches();
    }

    public static boolean isValidUser(String name) {
        return name != null && USER.matcher(name).matches() && !name.contains("..") && !name.endsWith(".");
    }

    /** Throws {@link InvalidNameException} naming {@code what} when {@code name} is not allowed. */
    public static String require(String what, String name) {
        if (!isValid(name)) {
            throw new InvalidNameException(what + " name '" + (name == null ? "" : name)
                    + "' is not allowed: use 1-63 lower-case letters, digits and '-', starting with a letter or digit");
        }
        return name;
    }

    public static String requireUser(String name) {
        if (!isValidUser(name)) {
            throw new InvalidNameException("user name '" + (name == null ? "" : name)
                    + "' is not allowed: use 1-63 lower-case letters, digits, '.', '_' and '-', starting with a letter or digit");
        }
        return name;
    }
}
