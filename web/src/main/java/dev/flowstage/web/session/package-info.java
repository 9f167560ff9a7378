/**
 * Browser sign-in for the web UI: a session cookie ({@code HttpOnly}, {@code SameSite=Lax},
 * {@code Secure} on HTTPS) that the REST API accepts in place of an {@code Authorization} header,
 * with a per-session CSRF token required on every state-changing request made with it.
 */
package dev.flowstage.web.session;
