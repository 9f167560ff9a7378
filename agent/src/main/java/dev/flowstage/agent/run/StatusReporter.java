package dev.flowstage.agent.run;

import dev.flowstage.agent.api.DeviceApi;
import dev.flowstage.agent.api.DeviceApiException;
import dev.flowstage.agent.api.StatusReport;
import java.util.Objects;

/**
 * Sends status reports to the server; a report that cannot be sent (server away) is kept and sent with the
 * next successful contact, so the server learns the latest state once it is back. Reports equal to the last
 * one sent are not repeated.
 */
final class StatusReporter {
    private final DeviceApi api;
    private StatusReport pending;
    private StatusReport sent;

    StatusReporter(DeviceApi api) {
        this.api = api;
    }

    /** Queues {@code report} and tries to send it; when the server cannot take it now it stays pending. */
    synchronized void report(StatusReport report) {
        if (Objects.equals(report, sent) && pending == null) {
            return;
        }
        pending = report;
        try {
            flush();
        } catch (DeviceApiException e) {
            // kept pending: the loop's next contact with the server sends it (and logs the failure once)
        }
    }

    /** Sends the pending report, if any; throws when the server cannot take it now (it stays pending). */
    synchronized void flush() {
        if (pending == null) {
            return;
        }
        try {
            api.status(pending);
        } catch (DeviceApiException e) {
            if (e.kind() == DeviceApiException.Kind.REJECTED) {
                pending = null; // e.g. 422: the server will not take this report, ever
            }
            throw e;
        }
        sent = pending;
        pending = null;
    }
}
