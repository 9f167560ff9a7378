package dev.flowstage.server.crash;

import java.util.List;

/**
 * One kind of work a crash campaign kills the server in the middle of. The campaign calls
 * {@link #setup} once, then per trial {@link #prepare}, {@link #round} in a loop until the kill,
 * and {@link #verify} after the restart.
 */
interface Scenario {
    /** Flags added to {@code serve}. */
    default List<String> serverArgs() {
        return List.of();
    }

    /** Variants that trials take in turn (e.g. big and small pushes); their rounds are timed apart. */
    default int modes() {
        return 1;
    }

    /** Short name of a mode, for the report. */
    default String modeName(int mode) {
        return "";
    }

    /**
     * The kill lands after a random delay in [0, window × T), T being one uninterrupted round's
     * duration: above 1 when the interesting part is short and what follows it matters too.
     */
    default double window() {
        return 1.0;
    }

    /** Creates what every trial uses, on a fresh server. */
    void setup(CrashRig rig) throws Exception;

    /** Work before a trial's loop that the kill must not interrupt (e.g. a run waiting for approval). */
    default void prepare(CrashRig rig, int mode) throws Exception {}

    /**
     * One round of the work the kill interrupts; called in a loop. Record what the server
     * acknowledged; an operation cut by the kill is neither acknowledged nor an error.
     */
    void round(CrashRig rig, int mode) throws Exception;

    /** What the server was doing the moment before the kill, as far as the disk shows (null: nothing seen). */
    default String observe(CrashRig rig) throws Exception {
        return null;
    }

    /** Checks after the restart (recovery has finished); returns the problems found. */
    List<String> verify(CrashRig rig) throws Exception;
}
