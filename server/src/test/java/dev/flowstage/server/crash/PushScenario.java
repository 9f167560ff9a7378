package dev.flowstage.server.crash;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** Pushes over HTTP: one big incompressible pack (odd trials), or many small pushes in a row (even trials). */
final class PushScenario implements Scenario {
    private WorkClone clone;

    @Override
    public int modes() {
        return 2;
    }

    @Override
    public String modeName(int mode) {
        return mode == 0 ? "big pack" : "small pushes";
    }

    @Override
    public void setup(CrashRig rig) throws Exception {
        Setup.teamAndApplication(rig);
        Setup.instance(rig, "dev", false);
        clone = WorkClone.create(rig, "dev");
    }

    /** The big commit is made before the loop, so the kill window covers the push, not writing the files. */
    @Override
    public void prepare(CrashRig rig, int mode) throws Exception {
        if (mode == 0) {
            clone.commitBlobs(3, 2);
        }
    }

    @Override
    public void round(CrashRig rig, int mode) throws Exception {
        if (mode == 0) {
            if (!clone.pending()) {
                clone.commitBlobs(3, 2);
            }
            clone.push();
        } else {
            for (int i = 0; i < 10; i++) {
                clone.commitFlows();
                clone.push();
            }
        }
    }

    @Override
    public String observe(CrashRig rig) throws Exception {
        Path packs = rig.repo("dev").resolve("objects/pack");
        try (Stream<Path> s = Files.list(packs)) {
            return s.anyMatch(p -> p.getFileName().toString().startsWith("incoming_")) ? "pack arriving" : null;
        }
    }

    @Override
    public List<String> verify(CrashRig rig) {
        return clone.checkAcknowledged();
    }
}
