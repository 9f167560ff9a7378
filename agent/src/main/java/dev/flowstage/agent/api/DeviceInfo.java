package dev.flowstage.agent.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;

/**
 * The answer of {@code GET /api/v1/devices/self}: who the device is, where its repository is, and the
 * credentialSecret that decrypts the flows_cred.json of its snapshots (never shown by {@link #toString()}).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record DeviceInfo(String team, String name, String application, String instance, String group,
        String gitUrl, String sshUrl, String credentialSecret) {
    @Override
    public String toString() {
        return "DeviceInfo[" + team + "/" + name + ", application=" + application + ", instance=" + instance
                + ", group=" + group + ", gitUrl=" + gitUrl + ", sshUrl=" + sshUrl + "]";
    }
}
