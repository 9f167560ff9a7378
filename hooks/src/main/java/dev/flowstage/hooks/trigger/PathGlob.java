package dev.flowstage.hooks.trigger;

import java.util.regex.Pattern;

/**
 * A glob over repository paths ({@code /}-separated, from the repository root): {@code **} matches any
 * number of whole folders (also none), {@code *} any run of characters within one name, {@code ?} one
 * character; everything else literally. {@code flows.json} matches only the root file,
 * {@code **}{@code /flows.json} one at any depth, {@code lib/**} everything under {@code lib}.
 */
public final class PathGlob {
    private final String glob;
    private final Pattern pattern;

    private PathGlob(String glob, Pattern pattern) {
        this.glob = glob;
        this.pattern = pattern;
    }

    public static PathGlob compile(String glob) {
        StringBuilder re = new StringBuilder();
        int i = 0;
        while (i < glob.length()) {
            char c = glob.charAt(i);
            if (c == '*' && i + 1 < glob.length() && glob.charAt(i + 1) == '*') {
                boolean slashAfter = i + 2 < glob.length() && glob.charAt(i + 2) == '/';
                if (slashAfter) {
                    re.append("(?:[^/]*/)*"); // "**/": zero or more folders
                    i += 3;
                } else {
                    re.append(".*"); // "**" at the end: anything below
                    i += 2;
                }
            } else if (c == '*') {
                re.append("[^/]*");
                i++;
            } else if (c == '?') {
                re.append("[^/]");
                i++;
            } else {
                re.append(Pattern.quote(String.valueOf(c)));
                i++;
            }
        }
        return new PathGlob(glob, Pattern.compile(re.toString()));
    }

    public boolean matches(String path) {
        return pattern.matcher(path).matches();
    }

    @Override
    public String toString() {
        return glob;
    }
}
