package dev.flowstage.hooks.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.flowstage.hooks.remote.RemoteProtocol;
import dev.flowstage.hooks.remote.RemoteUrl;
import dev.flowstage.storage.meta.MetaInvalidException;
import dev.flowstage.storage.meta.MetaJson;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a pipeline definition (SPEC §6) from JSON, collecting every problem instead of stopping at the
 * first, and writes one back in the same shape. Shape only: references to targets are checked by
 * {@link PipelineValidator}. The stored file adds {@code paused} and {@code webhook.sealedSecret}.
 */
public final class PipelineJson {
    private static final List<String> PIPELINE_FIELDS = List.of("name", "application", "concurrency", "stages",
            "paused", "webhook");
    private static final List<String> STAGE_FIELDS = List.of("name", "instance", "device", "group", "git", "action",
            "approval", "trigger", "deployToDevices", "rollout");
    private static final List<String> TRIGGER_FIELDS = List.of("onPush", "paths", "skipMarker", "schedule");
    private static final List<String> GIT_FIELDS = List.of("integration", "url", "branch", "pullBranch", "filename",
            "ssh", "protocol");
    /** The longest a rollout wave may wait for its devices, in seconds: a day. */
    static final int MAX_WAIT_FOR_RUNNING = 86_400;
    private static final List<String> ROLLOUT_FIELDS = List.of("waves", "waitForRunning", "abortOnFailurePercent");

    /** What was read: the pipeline when the shape was right, and every problem found. */
    record Parsed(Pipeline pipeline, List<String> problems) {}

    private PipelineJson() {}

    static Parsed parse(JsonNode json) {
        List<String> problems = new ArrayList<>();
        if (json == null || !json.isObject()) {
            return new Parsed(null, List.of("a pipeline must be a JSON object"));
        }
        unknown(json, PIPELINE_FIELDS, "", problems);
        String name = text(json, "name", "", problems);
        if (name == null) {
            problems.add("'name' is required");
        }
        String application = text(json, "application", "", problems);
        Concurrency concurrency = Concurrency.QUEUE;
        String c = text(json, "concurrency", "", problems);
        if (c != null) {
            concurrency = Concurrency.fromJson(c);
            if (concurrency == null) {
                problems.add("'concurrency' must be one of allow, queue, forbid, not '" + c + "'");
            }
        }
        boolean paused = bool(json, "paused", "", problems);
        String sealed = null;
        JsonNode webhook = json.get("webhook");
        if (webhook != null && !webhook.isNull()) {
            if (webhook.isObject()) {
                unknown(webhook, List.of("sealedSecret"), "webhook.", problems);
                sealed = text(webhook, "sealedSecret", "webhook.", problems);
            } else {
                problems.add("'webhook' must be an object");
            }
        }
        List<Stage> stages = new ArrayList<>();
        JsonNode list = json.get("stages");
        if (list != null && !list.isNull() && !list.isArray()) {
            problems.add("'stages' must be a list");
        } else if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                Stage s = stage(list.get(i), i, problems);
                if (s != null) {
                    stages.add(s);
                }
            }
        }
        Pipeline p = problems.isEmpty() ? new Pipeline(name, application, concurrency, stages, paused, sealed) : null;
        return new Parsed(p, List.copyOf(problems));
    }

    /** Parses one stage, e.g. the body of an insert; problems are named "stage 'NAME'" or "stage N". */
    static Stage stage(JsonNode s, int index, List<String> problems) {
        int before = problems.size();
        String label = "stage " + (index + 1);
        if (s == null || !s.isObject()) {
            problems.add(label + " must be an object");
            return null;
        }
        String name = text(s, "name", label + ": ", problems);
        if (name == null) {
            problems.add(label + ": 'name' is required");
        } else {
            label = "stage '" + name + "'";
        }
        String where = label + ": ";
        unknown(s, STAGE_FIELDS, where, problems);
        StageKind kind = null;
        String target = null;
        List<String> kinds = new ArrayList<>();
        for (StageKind k : StageKind.values()) {
            if (s.hasNonNull(k.json())) {
                kinds.add("'" + k.json() + "'");
                kind = k;
            }
        }
        if (kinds.isEmpty()) {
            problems.add(where + "needs one of 'instance', 'device', 'group' or 'git' to say what it deploys to");
        } else if (kinds.size() > 1) {
            problems.add(where + "has " + String.join(" and ", kinds) + ": a stage has exactly one target");
        }
        GitStage git = null;
        if (kinds.size() == 1 && kind == StageKind.GIT) {
            git = git(s.get("git"), where + "git.", problems);
        } else if (kinds.size() == 1) {
            target = text(s, kind.json(), where, problems);
        }
        String action = text(s, "action", where, problems);
        int approvals = 0;
        boolean excludeActor = false;
        JsonNode approval = s.get("approval");
        if (approval != null && !approval.isNull()) {
            if (!approval.isObject()) {
                problems.add(where + "'approval' must be an object such as {\"required\": 1}");
            } else {
                unknown(approval, List.of("required", "excludeActor"), where + "approval.", problems);
                excludeActor = bool(approval, "excludeActor", where + "approval.", problems);
                JsonNode r = approval.get("required");
                if (r == null || !r.isIntegralNumber() || !r.canConvertToInt() || r.intValue() < 1) {
                    problems.add(where + "'approval.required' must be a whole number of at least 1");
                } else {
                    approvals = r.intValue();
                }
            }
        }
        StageTrigger trigger = trigger(s.get("trigger"), where, problems);
        boolean toDevices = bool(s, "deployToDevices", where, problems);
        Rollout rollout = rollout(s.get("rollout"), where, problems);
        if (problems.size() > before) {
            return null;
        }
        return new Stage(name, kind, target, action, approvals, toDevices, trigger, git, rollout, excludeActor);
    }

    /** The stored form; the API shows it without {@code webhook}. */
    public static ObjectNode format(Pipeline p) {
        ObjectNode n = MetaJson.object();
        n.put("name", p.name());
        MetaJson.put(n, "application", p.application());
        n.put("concurrency", p.concurrency().json());
        if (p.paused()) {
            n.put("paused", true);
        }
        ArrayNode stages = n.putArray("stages");
        p.stages().forEach(s -> stages.add(format(s)));
        if (p.sealedWebhookSecret() != null) {
            n.putObject("webhook").put("sealedSecret", p.sealedWebhookSecret());
        }
        return n;
    }

    public static ObjectNode format(Stage s) {
        ObjectNode n = MetaJson.object();
        n.put("name", s.name());
        if (s.kind() == StageKind.GIT) {
            ObjectNode g = n.putObject("git");
            GitStage git = s.git();
            MetaJson.put(g, "integration", git.integration());
            g.put("url", git.url());
            MetaJson.put(g, "protocol", git.protocol());
            g.put("branch", git.branch());
            MetaJson.put(g, "pullBranch", git.pullBranch());
            MetaJson.put(g, "filename", git.filename());
            if (git.ssh() != null) {
                ObjectNode sn = g.putObject("ssh");
                sn.put("key", git.ssh().key());
                MetaJson.put(sn, "passphrase", git.ssh().passphrase());
                sn.put("knownHosts", git.ssh().knownHosts());
            }
        } else {
            n.put(s.kind().json(), s.target());
        }
        MetaJson.put(n, "action", s.action());
        if (s.requiredApprovals() > 0) {
            ObjectNode approval = n.putObject("approval").put("required", s.requiredApprovals());
            if (s.approvalExcludesActor()) {
                approval.put("excludeActor", true);
            }
        }
        if (s.deployToDevices()) {
            n.put("deployToDevices", true);
        }
        StageTrigger t = s.trigger();
        if (t != null) {
            ObjectNode tn = n.putObject("trigger");
            if (t.onPush()) {
                tn.put("onPush", true);
            }
            if (!t.paths().isEmpty()) {
                ArrayNode paths = tn.putArray("paths");
                t.paths().forEach(paths::add);
            }
            MetaJson.put(tn, "skipMarker", t.skipMarker());
            MetaJson.put(tn, "schedule", t.schedule());
        }
        Rollout r = s.rollout();
        if (r != null) {
            ObjectNode rn = n.putObject("rollout");
            ArrayNode waves = rn.putArray("waves");
            r.waves().forEach(waves::add);
            rn.put("waitForRunning", r.waitForRunning());
            rn.put("abortOnFailurePercent", r.abortOnFailurePercent());
        }
        return n;
    }

    private static GitStage git(JsonNode g, String where, List<String> problems) {
        if (!g.isObject()) {
            problems.add(where.substring(0, where.length() - 4) + "'git' must be an object");
            return null;
        }
        unknown(g, GIT_FIELDS, where, problems);
        String url = requiredText(g, "url", where, problems);
        String protocolName = text(g, "protocol", where, problems);
        RemoteProtocol declared = protocolName == null ? null : RemoteProtocol.parse(protocolName);
        if (protocolName != null && declared == null) {
            problems.add(where + "'protocol' must be https or ssh");
        }
        boolean ssh = false;
        boolean urlOk = true;
        if (url != null && !url.isBlank()) {
            if (url.regionMatches(true, 0, "http://", 0, 7) && declared != RemoteProtocol.SSH) {
                // accepted here; the run refuses it before any token is sent (the message says why)
            } else {
                try {
                    String scheme = RemoteUrl.check(url, declared).getScheme();
                    ssh = scheme == null || scheme.equalsIgnoreCase("ssh");
                } catch (MetaInvalidException e) {
                    String m = e.getMessage();
                    urlOk = false;
                    problems.add(m.startsWith("'url'") ? where + "url" + m.substring(5)
                            : where.substring(0, where.length() - 4) + m);
                }
            }
        }
        String integration = ssh || !urlOk ? text(g, "integration", where, problems)
                : requiredText(g, "integration", where, problems);
        GitStage.Ssh sshAuth = null;
        JsonNode sn = g.get("ssh");
        if (sn != null && !sn.isNull()) {
            if (!sn.isObject()) {
                problems.add(where + "ssh must be an object {\"key\", \"passphrase\"?, \"knownHosts\"}");
            } else {
                unknown(sn, List.of("key", "passphrase", "knownHosts"), where + "ssh.", problems);
                String key = requiredText(sn, "key", where + "ssh.", problems);
                String passphrase = text(sn, "passphrase", where + "ssh.", problems);
                String knownHosts = requiredText(sn, "knownHosts", where + "ssh.", problems);
                for (String ref : java.util.Arrays.asList(key, passphrase)) {
                    if (ref != null && !ref.startsWith("secret:")) {
                        problems.add(where + "ssh.key and ssh.passphrase must be secret references (secret:PATH)");
                        break;
                    }
                }
                sshAuth = new GitStage.Ssh(key, passphrase, knownHosts);
            }
        } else if (ssh && urlOk) {
            problems.add(where + "ssh is required for an ssh URL (ssh:// or USER@HOST:PATH): {\"key\": \"secret:PATH\","
                    + " \"knownHosts\": \"LINE\"}");
        }
        String branch = requiredText(g, "branch", where, problems);
        String pull = text(g, "pullBranch", where, problems);
        String filename = text(g, "filename", where, problems);
        if (filename != null && (filename.startsWith("/") || filename.contains("..") || filename.isBlank())) {
            problems.add(where + "filename must be a relative path inside the repository");
        }
        return new GitStage(integration, url, branch, pull, filename, sshAuth, declared == null ? null : declared.json());
    }

    private static StageTrigger trigger(JsonNode t, String where, List<String> problems) {
        if (t == null || t.isNull()) {
            return null;
        }
        if (!t.isObject()) {
            problems.add(where + "'trigger' must be an object");
            return null;
        }
        String in = where + "trigger.";
        unknown(t, TRIGGER_FIELDS, in, problems);
        boolean onPush = bool(t, "onPush", in, problems);
        List<String> paths = new ArrayList<>();
        JsonNode p = t.get("paths");
        if (p != null && !p.isNull()) {
            if (!p.isArray()) {
                problems.add(in + "'paths' must be a list of glob patterns");
            } else {
                for (JsonNode g : p) {
                    if (!g.isTextual() || g.asText().isBlank()) {
                        problems.add(in + "'paths' must be a list of glob patterns");
                        break;
                    }
                    paths.add(g.asText());
                }
            }
        }
        String schedule = text(t, "schedule", in, problems);
        if (schedule != null) {
            // the trigger's own parser, so a schedule the API accepts is one the trigger can run
            try {
                CronExpression.parse(schedule);
            } catch (MetaInvalidException bad) {
                problems.add(in + "'schedule': " + bad.getMessage());
            }
        }
        return new StageTrigger(onPush, paths, text(t, "skipMarker", in, problems), schedule);
    }

    private static Rollout rollout(JsonNode r, String where, List<String> problems) {
        if (r == null || r.isNull()) {
            return null;
        }
        String in = where + "rollout.";
        if (!r.isObject()) {
            problems.add(where + "'rollout' must be an object");
            return null;
        }
        unknown(r, ROLLOUT_FIELDS, in, problems);
        List<Integer> waves = new ArrayList<>();
        JsonNode w = r.get("waves");
        String example = ", such as [5, 25, 100]";
        if (w == null || w.isNull() || !w.isArray() || w.isEmpty()) {
            problems.add(in + "'waves' is required: a list of rising percentages of the group's devices ending at 100"
                    + example);
        } else {
            int last = 0;
            boolean ok = true;
            for (JsonNode v : w) {
                if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                    problems.add(in + "'waves' holds whole percentages" + example + ": " + v + " is not one");
                    ok = false;
                    break;
                }
                int pct = v.intValue();
                if (pct < 1 || pct > 100) {
                    problems.add(in + "'waves' holds percentages from 1 to 100: " + pct + " is out of range");
                    ok = false;
                    break;
                }
                if (pct <= last) {
                    problems.add(in + "'waves' must rise (each wave is the cumulative share of devices): " + pct
                            + " follows " + last);
                    ok = false;
                    break;
                }
                last = pct;
                waves.add(pct);
            }
            if (ok && last != 100) {
                problems.add(in + "'waves' must end at 100 so that the last wave reaches every device, not at " + last
                        + example);
            }
        }
        int wait = wholeNumber(r, "waitForRunning", 300, 1, in, problems);
        if (wait > MAX_WAIT_FOR_RUNNING) {
            problems.add(in + "'waitForRunning' is seconds to wait for a wave's devices, at most "
                    + MAX_WAIT_FOR_RUNNING + " (a day), not " + wait);
        }
        int abort = wholeNumber(r, "abortOnFailurePercent", 10, 0, in, problems);
        if (abort > 100) {
            problems.add(in + "'abortOnFailurePercent' is a percentage from 0 to 100, not " + abort);
        }
        return new Rollout(waves, wait, abort);
    }

    private static int wholeNumber(JsonNode n, String field, int dflt, int min, String where, List<String> problems) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return dflt;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < min) {
            problems.add(where + "'" + field + "' must be a whole number of at least " + min);
            return dflt;
        }
        return v.intValue();
    }

    private static void unknown(JsonNode n, List<String> known, String where, List<String> problems) {
        n.fieldNames().forEachRemaining(f -> {
            if (!known.contains(f)) {
                problems.add(where + "unknown field '" + f + "'");
            }
        });
    }

    private static String text(JsonNode n, String field, String where, List<String> problems) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual()) {
            problems.add(where + "'" + field + "' must be a string");
            return null;
        }
        return v.asText();
    }

    private static String requiredText(JsonNode n, String field, String where, List<String> problems) {
        String s = text(n, field, where, problems);
        if (s == null || s.isBlank()) {
            problems.add(where + "'" + field + "' is required");
        }
        return s;
    }

    private static boolean bool(JsonNode n, String field, String where, List<String> problems) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull()) {
            return false;
        }
        if (!v.isBoolean()) {
            problems.add(where + "'" + field + "' must be true or false");
            return false;
        }
        return v.booleanValue();
    }
}
