package dev.flowstage.hooks.devices;

/**
 * Hears each device status report as it is stored, on the reporting request's thread: an implementation
 * returns at once (hands work to its own executor) and never throws at the caller.
 */
@FunctionalInterface
public interface DeviceReportListener {
    void onReport(String team, String device, DeviceStatus status);
}
