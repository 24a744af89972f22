/**
 * Which Alpine package ships each Asterisk module RealCall's modules.conf
 * loads, for the release asterisk/Dockerfile pins. A static test
 * (asterisk/tests/static.test.ts) fails when modules.conf loads a module that
 * is not listed here under a package the Dockerfile installs, or when the
 * Dockerfile's release or versions differ from these.
 *
 * Read on 2026-12-02 from Alpine's package index (pkgs.alpinelinux.org):
 * - v3.24 main ships asterisk 22.9.0-r0 (built 2026-05-18 08:38:01, aports
 *   commit 026bd6f13b1a72729961f039c94ee2d0117a01f8); v3.22 ships 20.11.1 and
 *   v3.23 20.15.2, so no earlier release has Asterisk 22.
 * - Which module lands in which subpackage is decided by the `amove` rules of
 *   main/asterisk/APKBUILD at that commit (SPLIT_RULES below: the first rule
 *   that matches wins, anything unmatched stays in `asterisk`); the edge
 *   contents pages of asterisk-curl (func_curl, res_config_curl, res_curl) and
 *   asterisk-srtp (res_srtp) agree. That build uses the system pjproject 2.17
 *   and `--disable-xmldoc`.
 * - The same APKBUILD configures `--with-prometheus` and lists the subpackage
 *   `asterisk-prometheus`, whose rule moves `*_prometheus*` (res_prometheus.so)
 *   into it (read at that commit on 2026-12-08); v3.23's index lists the same
 *   subpackage (20.15.2-r1), so the split is not new in 3.24.
 *
 * To move to a new Alpine release: read its asterisk package and contents
 * pages, update RELEASE, VERSION and the rules, and the Dockerfile with them.
 */
export const ALPINE_RELEASE = '3.24';

/** The upstream Asterisk version the image gets; apk's `~` keeps Alpine rebuilds (-rN) of it. */
export const ASTERISK_VERSION = '22.9.0';

/** Subpackage split rules of Alpine's APKBUILD (glob on the module file name, in order). */
export const SPLIT_RULES: readonly { glob: string; pkg: string }[] = [
  { glob: '*_pgsql*', pkg: 'asterisk-pgsql' },
  { glob: '*_ldap*', pkg: 'asterisk-ldap' },
  { glob: '*_odbc*', pkg: 'asterisk-odbc' },
  { glob: '*_tds*', pkg: 'asterisk-tds' },
  { glob: '*_fax*', pkg: 'asterisk-fax' },
  { glob: '*_mobile*', pkg: 'asterisk-mobile' },
  { glob: '*_curl*', pkg: 'asterisk-curl' },
  { glob: '*_srtp*', pkg: 'asterisk-srtp' },
  { glob: '*_speex*', pkg: 'asterisk-speex' },
  { glob: 'codec_opus_open_source.so', pkg: 'asterisk-opus' },
  { glob: '*_prometheus*', pkg: 'asterisk-prometheus' },
];

/** Package → the module files of it that RealCall loads (in /usr/lib/asterisk/modules). */
export const PACKAGE_MODULES: Readonly<Record<string, readonly string[]>> = {
  asterisk: [
    'res_timing_timerfd.so',
    'pbx_config.so',
    'res_http_websocket.so',
    'res_sorcery_config.so',
    'res_sorcery_memory.so',
    'res_sorcery_memory_cache.so',
    'res_sorcery_astdb.so',
    'res_sorcery_realtime.so',
    'res_realtime.so',
    'res_pjproject.so',
    'res_pjsip.so',
    'res_pjsip_session.so',
    'chan_pjsip.so',
    'res_pjsip_authenticator_digest.so',
    'res_pjsip_endpoint_identifier_user.so',
    'res_pjsip_registrar.so',
    'res_pjsip_pubsub.so',
    'res_pjsip_nat.so',
    'res_pjsip_sdp_rtp.so',
    'res_pjsip_caller_id.so',
    'res_pjsip_header_funcs.so',
    'res_pjsip_rfc3326.so',
    'res_pjsip_notify.so',
    'res_pjsip_transport_websocket.so',
    'res_pjsip_logger.so',
    'res_rtp_asterisk.so',
    'res_format_attr_opus.so',
    'codec_ulaw.so',
    'bridge_simple.so',
    'bridge_native_rtp.so',
    'app_dial.so',
    'app_stack.so',
    'func_callerid.so',
    'func_channel.so',
    'func_strings.so',
    'func_logic.so',
    'func_pjsip_endpoint.so',
    'app_verbose.so',
    'func_global.so',
  ],
  'asterisk-curl': ['res_curl.so', 'func_curl.so', 'res_config_curl.so'],
  'asterisk-srtp': ['res_srtp.so'],
  'asterisk-prometheus': ['res_prometheus.so'],
};

/** The package Alpine's split rules put `module` in. */
export function packageOf(module: string): string {
  const matches = (glob: string) =>
    new RegExp(`^${glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(module);
  return SPLIT_RULES.find((rule) => matches(rule.glob))?.pkg ?? 'asterisk';
}
