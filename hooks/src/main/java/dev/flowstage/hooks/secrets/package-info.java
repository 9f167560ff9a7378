/**
 * Team secrets and Git integrations: values sealed by the server's SecretBox and kept as files of the
 * team's {@code _config.git}, written through the API only, read back only by the server (credentials of
 * outbound Git connections), referenced elsewhere as {@code secret:PATH}.
 */
package dev.flowstage.hooks.secrets;
