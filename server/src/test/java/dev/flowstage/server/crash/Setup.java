package dev.flowstage.server.crash;

/** The team, application, instances and pipelines scenarios start from (created before any kill). */
final class Setup {
    static final String APPLICATION = "line";

    private Setup() {}

    static void teamAndApplication(CrashRig rig) {
        rig.admin.expect(201, "POST", "/api/v1/teams", "{\"name\":\"" + CrashRig.TEAM + "\"}");
        rig.admin.expect(201, "POST", "/api/v1/teams/" + CrashRig.TEAM + "/applications",
                "{\"name\":\"" + APPLICATION + "\"}");
    }

    static void instance(CrashRig rig, String name, boolean protectedMain) {
        rig.admin.expect(201, "POST", "/api/v1/teams/" + CrashRig.TEAM + "/instances", "{\"name\":\"" + name
                + "\",\"application\":\"" + APPLICATION + "\",\"protected\":" + protectedMain + "}");
    }

    /** A two-stage pipeline {@code from} → {@code to}. */
    static void pipeline(CrashRig rig, String name, String concurrency, String from, String to) {
        rig.admin.expect(201, "POST", "/api/v1/teams/" + CrashRig.TEAM + "/pipelines", """
                {"name":"%s","application":"%s","concurrency":"%s","stages":[
                  {"name":"%s","instance":"%s"},{"name":"%s","instance":"%s"}]}"""
                .formatted(name, APPLICATION, concurrency, from, from, to, to));
    }
}
