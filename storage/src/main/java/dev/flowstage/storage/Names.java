package dev.flowstage.storage;

/**
 * The allow-list for names of teams, applications, targets and pipelines (SPEC §2):
 * {@code [a-z0-9][a-z0-9-]{0,62}}. Checked on every Git request, so by hand rather than by regex.
 */
public final class Names {
    private static final int MAX = 63;

    private Names() {}

    public static boolean isValid(String name) {
        return matches(name, "-");
    }

    /** User names may also contain dots and underscores, as on most Git hosts: {@code [a-z0-9][a-z0-9._-]{0,62}}. */
    public static boolean isValidUser(String name) {
        return matches(name, "._-") && !name.contains("..") && !name.endsWith(".");
    }

    private static boolean matches(String name, String extra) {
        if (name == null || name.isEmpty() || name.length() > MAX || !isLowerAlnum(name.charAt(0))) {
            return false;
        }
        for (int i = 1; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!isLowerAlnum(c) && extra.indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    private static boolean isLowerAlnum(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
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
