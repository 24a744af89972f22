/**
 * Static checks of what ships in asterisk/ and docker-compose.yml: they run
 * everywhere (no Asterisk, no Docker needed) and hold the promises a running
 * PBX cannot be asked about in CI.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { ENV_VARIABLES } from '../../api/src/config';
import { AOR_DEFAULTS, endpointDefaults, USER_CONTEXT } from '../../api/src/services/realtime';
import { ENTRIES } from '../../api/build';
import { ALPINE_RELEASE, ASTERISK_VERSION, PACKAGE_MODULES, packageOf } from '../alpine-packages';
import { asteriskEnvironment, CONF_DIR, fill, settingsFromEnv, VARIABLES } from '../pbx.mjs';
import { TURN_VARIABLES } from '../../turn/turn.mjs';
import { dialplanSteps, loadConfDir, section, value, values, type ConfFile } from './conf';

const ROOT = join(import.meta.dirname, '..', '..');
const confs = loadConfDir(CONF_DIR);
const conf = (name: string): ConfFile => {
  const c = confs.get(name);
  if (!c) throw new Error(`asterisk/conf/${name} is missing`);
  return c;
};

/** Modules that record, monitor, spy on, stream out or store call audio. */
const RECORDERS = [
  'app_mixmonitor',
  'app_monitor',
  'res_monitor',
  'app_record',
  'app_chanspy',
  'app_voicemail',
  'app_minivm',
  'app_dictate',
  'res_pjsip_one_touch_record_info',
  'app_confbridge',
  'app_meetme',
  'app_audiosocket',
  'res_audiosocket',
  'chan_audiosocket',
  'chan_rtp',
  'chan_websocket',
  'app_ices',
  'app_jack',
  'app_externalivr',
  'res_stasis_snoop',
  'res_stasis_recording',
  'res_ari_recordings',
];
/** Dialplan applications and functions that record or listen in. */
const RECORDING_APPS =
  /^(MixMonitor|StopMixMonitor|Monitor|StopMonitor|ChangeMonitor|PauseMonitor|UnpauseMonitor|Record|ChanSpy|ExtenSpy|DAHDIScan|VoiceMail|VoiceMailMain|MinivmRecord|Dictate|AudioSocket|JACK|ICES|ExternalIVR)$/i;
const RECORDING_FUNCTIONS = /\b(MIXMONITOR|AUDIOHOOK_INHERIT|PERIODIC_HOOK)\s*\(/i;

describe('modules.conf: recording is impossible, not just unused', () => {
  const modules = section(conf('modules.conf'), 'modules');
  const loaded = values(modules, 'load').map((m) => m.replace(/\.so$/, ''));
  const noloaded = values(modules, 'noload').map((m) => m.replace(/\.so$/, ''));

  it('loads only what is listed', () => {
    expect(value(modules, 'autoload')).toBe('no');
    expect(values(modules, 'preload')).toEqual([]);
  });

  it.each(RECORDERS)('never loads %s, and says so', (module) => {
    expect(loaded).not.toContain(module);
    expect(noloaded).toContain(module);
  });

  it('loads no CDR or CEL backend, and no Diversion handling', () => {
    expect(loaded.filter((m) => /^(cdr_|cel_)/.test(m))).toEqual([]);
    expect(loaded).not.toContain('res_pjsip_diversion');
    expect(value(section(conf('cdr.conf'), 'general'), 'enable')).toBe('no');
    expect(value(section(conf('cel.conf'), 'general'), 'enable')).toBe('no');
  });

  it('loads what RealCall needs: PJSIP over WebSocket, realtime over curl, the memory cache, SRTP', () => {
    for (const needed of [
      'chan_pjsip',
      'res_pjsip',
      'res_pjsip_session',
      'res_pjsip_transport_websocket',
      'res_http_websocket',
      'res_pjsip_registrar',
      'res_pjsip_authenticator_digest',
      'res_pjsip_endpoint_identifier_user',
      'res_pjsip_header_funcs',
      'res_config_curl',
      'res_curl',
      'func_curl',
      'res_sorcery_realtime',
      'res_sorcery_memory_cache',
      'res_sorcery_astdb',
      'res_srtp',
      'res_rtp_asterisk',
      'res_format_attr_opus',
      'app_dial',
      'app_stack',
      'func_strings',
      'pbx_config',
    ]) {
      expect(loaded, needed).toContain(needed);
    }
  });
});

describe('features.conf', () => {
  it('maps no DTMF feature at all (no one-touch recording)', () => {
    expect(section(conf('features.conf'), 'featuremap')?.entries).toEqual([]);
    expect(section(conf('features.conf'), 'applicationmap')).toBeUndefined();
  });
});

describe('extensions.conf', () => {
  const dialplan = conf('extensions.conf');
  const steps = dialplanSteps(dialplan);
  const contexts = new Set(dialplan.sections.map((s) => s.name));

  it('says at the top where recording is made impossible', () => {
    const head = readFileSync(join(CONF_DIR, 'extensions.conf'), 'utf8').split('\n').slice(0, 20).join('\n');
    expect(head).toMatch(/recording is made impossible/i);
    expect(head).toMatch(/modules\.conf/);
    expect(head).toMatch(/features\.conf/);
  });

  it('never calls an application or function that records or listens in', () => {
    expect(steps.length).toBeGreaterThan(10);
    for (const step of steps) {
      expect(step.app, `line ${step.line}`).not.toMatch(RECORDING_APPS);
      expect(step.args, `line ${step.line}`).not.toMatch(RECORDING_FUNCTIONS);
      // Nested applications (ExecIf, Gosub targets) are checked by their text too.
      expect(step.args, `line ${step.line}`).not.toMatch(/\b(MixMonitor|ChanSpy|ExtenSpy|Record|VoiceMail)\s*\(/i);
    }
  });

  it('gives Dial no option but the pre-dial handler b() and g (carry on when the callee hangs up)', () => {
    const dials = steps.filter((s) => s.app === 'Dial');
    expect(dials.length).toBeGreaterThan(0);
    for (const dial of dials) {
      const [, , options = ''] = splitArgs(dial.args);
      expect(options.replace(/b\([^()]*(\([^()]*\))?[^()]*\)/g, '').replace(/^g/, ''), `line ${dial.line}`).toBe('');
    }
  });

  it('refers only to contexts that exist, and has the one people dial from', () => {
    expect(contexts).toContain(USER_CONTEXT);
    for (const step of steps) {
      const refs: string[] = [];
      const args = splitArgs(step.args);
      if ((step.app === 'Goto' || step.app === 'Gosub') && args.length === 3) refs.push(args[0]!);
      for (const m of step.args.matchAll(/\bb\(([^^()]+)\^/g)) refs.push(m[1]!);
      for (const ref of refs) expect(contexts, `line ${step.line}`).toContain(ref);
    }
  });

  it('only lets digits reach Dial: every pattern in the users context is all X', () => {
    const users = steps.filter((s) => s.context === USER_CONTEXT && s.priority === '1');
    expect(users.length).toBeGreaterThan(0);
    for (const s of users) expect(s.exten).toMatch(/^_X{4,10}$/);
  });

  it('sets caller ID name and number from the API answer and adds the status header itself', () => {
    const text = steps.map((s) => `${s.app}(${s.args})`).join('\n');
    expect(text).toMatch(/Set\(CURLOPT\(hashcompat\)=yes\)/);
    expect(text).toMatch(/Set\(HASH\(rc\)=\$\{CURL\(\$\{REALCALL_API\}\/internal\/asterisk\/caller-name\?caller=/);
    expect(text).toMatch(/Set\(CALLERID\(name\)=\$\{HASH\(rc,name\)\}\)/);
    expect(text).toMatch(/Set\(PJSIP_HEADER\(add,X-RealCall-Name-Status\)=\$\{ARG1\}\)/);
    expect(text).toMatch(/Set\(NAME_STATUS=\$\{IF\(\$\["\$\{NAME_STATUS\}" = ""\]\?unavailable:/);
  });

  it('never puts an API or caller value inside $[...], IF() or ExecIf() unfiltered', () => {
    // What may appear in an expression: variables only ever set from FILTER()ed values (NAME_STATUS,
    // NUM, CALLER), the extension the digit patterns matched, a counter the dialplan sets to numbers
    // (TRIES), and functions whose result is a number.
    const SAFE_VARIABLES = ['NAME_STATUS', 'NUM', 'CALLER', 'EXTEN', 'TRIES'];
    const NUMERIC_FUNCTIONS = ['LEN'];
    let checked = 0;
    for (const step of steps) {
      for (const start of [...step.args.matchAll(/\$\[/g)].map((m) => m.index)) {
        // The expression up to its matching bracket, nested ${...} and $[...] included.
        let depth = 0;
        let end = start + 1;
        for (; end < step.args.length; end++) {
          if (step.args[end] === '[' || step.args[end] === '{') depth++;
          if (step.args[end] === ']' || step.args[end] === '}') depth--;
          if (depth === 0) break;
        }
        const e = step.args.slice(start + 2, end);
        // Top-level ${NAME} or ${FUNC(...)} references of this expression (not those inside a function's arguments).
        let level = 0;
        for (let i = 0; i < e.length; i++) {
          if (e.startsWith('${', i) && level === 0) {
            const name = /^[A-Za-z_][A-Za-z0-9_]*/.exec(e.slice(i + 2))?.[0] ?? '';
            const isFunction = e[i + 2 + name.length] === '(';
            const filteredDigits = name === 'FILTER' && e.startsWith('0-9,', i + 2 + name.length + 1);
            if (isFunction)
              expect(NUMERIC_FUNCTIONS.includes(name) || filteredDigits, `line ${step.line}: ${e}`).toBe(true);
            else expect(SAFE_VARIABLES, `line ${step.line}: ${e}`).toContain(name);
            checked++;
          }
          if (e[i] === '{' || e[i] === '(') level++;
          if (e[i] === '}' || e[i] === ')') level--;
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
  });

  it("sets the caller from the authenticated endpoint, digits only, and dials only the callee's own contacts", () => {
    const text = readFileSync(join(CONF_DIR, 'extensions.conf'), 'utf8');
    expect(text).toContain('Set(CALLER=${FILTER(0-9,${CHANNEL(endpoint)})})');
    expect(text).toContain('Set(CONTACTS=${PJSIP_DIAL_CONTACTS(${EXTEN})})');
    // Every Dial() is given the checked contacts (or the endpoint alone) and the pre-dial handler only.
    const dials = steps.filter((s) => s.app === 'Dial');
    expect(dials.map((d) => d.args)).toEqual([
      '${CONTACTS},${RING_SECONDS},gb(realcall-callee^s^1(${NAME_STATUS}^${CHANNEL}))',
    ]);
  });
});

describe('pjsip.conf and realtime', () => {
  const pjsip = conf('pjsip.conf');

  it('holds no per-person endpoint, auth or AOR: those come from the API', () => {
    const types = pjsip.sections.map((s) => value(s, 'type'));
    expect(types.filter((t) => t === 'endpoint' || t === 'auth' || t === 'aor')).toEqual([]);
    const sorcery = section(conf('sorcery.conf'), 'res_pjsip');
    expect(values(sorcery, 'endpoint')).toEqual(['realtime,ps_endpoints']);
    expect(values(sorcery, 'auth')).toEqual(['realtime,ps_auths']);
    expect(values(sorcery, 'aor')).toEqual(['realtime,ps_aors']);
    expect(values(sorcery, 'contact')).toEqual(['astdb,registrar']);
    // The cache comes first, so sorcery asks it before the API.
    const keys = sorcery!.entries.map((e) => e.key);
    expect(keys.indexOf('endpoint/cache')).toBeLessThan(keys.indexOf('endpoint'));
    expect(value(section(pjsip, 'global'), 'disable_multi_domain')).toBe('yes');
  });

  it('has a WebSocket transport and a UDP transport on loopback only', () => {
    const transports = pjsip.sections.filter((s) => value(s, 'type') === 'transport');
    expect(transports.map((t) => value(t, 'protocol')).sort()).toEqual(['udp', 'ws']);
    const udp = transports.find((t) => value(t, 'protocol') === 'udp');
    expect(value(udp, 'bind')).toMatch(/^127\.0\.0\.1:/);
  });

  it('gives every WebRTC endpoint the documented WebRTC options and takes no identity from the client', () => {
    const endpoint = endpointDefaults({
      domain: 'realcall.test',
      realm: 'realcall.test',
      wsUrl: 'ws://x/ws',
      iceServers: [],
      iceTransportPolicy: 'all',
    });
    expect(endpoint).toMatchObject({
      webrtc: 'yes',
      direct_media: 'no',
      moh_passthrough: 'yes',
      trust_id_inbound: 'no',
      trust_id_outbound: 'no',
      send_pai: 'no',
      send_rpid: 'no',
      send_diversion: 'no',
      dtmf_mode: 'rfc4733',
      context: USER_CONTEXT,
      from_domain: 'realcall.test',
    });
    // Opus first, then G.711 µ-law.
    expect(endpoint.allow!.split(',')).toEqual(['opus', 'ulaw']);
    expect(AOR_DEFAULTS.max_contacts).toMatch(/^\d+$/);
  });

  it('extconfig.conf points every realtime family at the API internal listener', () => {
    const settings = section(conf('extconfig.conf'), 'settings');
    for (const family of ['ps_endpoints', 'ps_auths', 'ps_aors']) {
      expect(value(settings, family)).toBe(`curl,{{REALCALL_API_INTERNAL_URL}}/internal/asterisk/realtime/${family}`);
    }
  });

  it('res_curl.conf sends the secret as Basic auth, with short timeouts and failure codes', () => {
    const g = section(conf('res_curl.conf'), 'globals');
    expect(value(g, 'userpwd')).toBe('asterisk:{{REALCALL_INTERNAL_SECRET}}');
    expect(Number(value(g, 'conntimeout'))).toBeLessThanOrEqual(2);
    expect(Number(value(g, 'httptimeout'))).toBeLessThanOrEqual(3);
    expect(value(g, 'failurecodes')).toMatch(/\b404\b.*\b500\b.*\b503\b/);
    expect(value(g, 'hashcompat')).toBeUndefined(); // would break realtime parsing; set per channel instead
  });
});

describe('AMI, HTTP and asterisk.conf', () => {
  it('binds AMI to loopback, for one user with the least rights', () => {
    const manager = conf('manager.conf');
    expect(value(section(manager, 'general'), 'bindaddr')).toBe('127.0.0.1');
    expect(value(section(manager, 'general'), 'webenabled')).toBe('no');
    const users = manager.sections.filter((s) => s.name !== 'general');
    expect(users.map((u) => u.name)).toEqual(['{{REALCALL_AMI_USER}}']);
    expect(value(users[0], 'read')).toBe('');
    expect(value(users[0], 'write')).toBe('system,call');
    expect(value(users[0], 'permit')).toBe('127.0.0.1/255.255.255.255');
  });

  it('serves /metrics only behind Basic auth, with the password from the environment', () => {
    expect(values(section(conf('modules.conf'), 'modules'), 'load')).toContain('res_prometheus.so');
    const general = section(conf('prometheus.conf'), 'general');
    expect(value(general, 'enabled')).toBe('yes');
    expect(value(general, 'uri')).toBe('metrics');
    expect(value(general, 'core_metrics_enabled')).toBe('yes');
    // Asterisk checks the password only when a user name is set: both, always.
    expect(value(general, 'auth_username')).toBe('prometheus');
    expect(value(general, 'auth_password')).toBe('{{ASTERISK_METRICS_SECRET}}');
    expect(VARIABLES.ASTERISK_METRICS_SECRET).toBeUndefined();
  });

  it('does not make [directories] a template (Asterisk would ignore it)', () => {
    const dirs = section(conf('asterisk.conf'), 'directories');
    expect(dirs?.template).toBe(false);
    expect(value(dirs, 'astmoddir')).toBe('{{ASTERISK_MOD_DIR}}');
  });

  it('keeps every listener on 127.0.0.1 by default for npm run pbx', () => {
    expect(VARIABLES.ASTERISK_HTTP_BIND).toBe('127.0.0.1');
    expect(value(section(conf('http.conf'), 'general'), 'bindaddr')).toBe('{{ASTERISK_HTTP_BIND}}');
  });
});

describe('the environment Asterisk runs with', () => {
  it("holds glibc's malloc to two arenas unless the operator chose otherwise (docs/operations.md)", () => {
    expect(asteriskEnvironment({ PATH: '/bin' })).toEqual({ PATH: '/bin', MALLOC_ARENA_MAX: '2' });
    expect(asteriskEnvironment({ MALLOC_ARENA_MAX: '4' }).MALLOC_ARENA_MAX).toBe('4');
    expect(asteriskEnvironment({ MALLOC_ARENA_MAX: '' }).MALLOC_ARENA_MAX).toBe('2');
  });
});

describe('rendering', () => {
  const env = {
    NODE_ENV: 'production',
    REALCALL_INTERNAL_SECRET: 'x'.repeat(16) + 'y'.repeat(16),
    REALCALL_AMI_SECRET: 'a'.repeat(16) + 'b'.repeat(16),
    ASTERISK_METRICS_SECRET: 'm'.repeat(16) + 'n'.repeat(16),
  };

  it('fills every placeholder, and knows every name the files use', () => {
    const vars = settingsFromEnv(env, { runtimeDir: '/tmp/rc', modulesDir: '/usr/lib/asterisk/modules' });
    for (const [file] of confs) {
      const text = fill(readFileSync(join(CONF_DIR, file), 'utf8'), vars, file);
      expect(text, file).not.toMatch(/\{\{|\}\}/);
    }
  });

  it('finds the API where REALCALL_INTERNAL_PORT puts it, unless told the URL', () => {
    const where = { runtimeDir: '/tmp/rc', modulesDir: '/m' };
    expect(settingsFromEnv(env, where).REALCALL_API_INTERNAL_URL).toBe('http://127.0.0.1:8081');
    expect(settingsFromEnv({ ...env, REALCALL_INTERNAL_PORT: '18081' }, where).REALCALL_API_INTERNAL_URL).toBe(
      'http://127.0.0.1:18081',
    );
    const told = { ...env, REALCALL_INTERNAL_PORT: '18081', REALCALL_API_INTERNAL_URL: 'http://10.0.0.5:8081' };
    expect(settingsFromEnv(told, where).REALCALL_API_INTERNAL_URL).toBe('http://10.0.0.5:8081');
  });

  it('refuses a missing secret, a value that would break a .conf line, and a bad port', () => {
    expect(() => settingsFromEnv({ NODE_ENV: 'production' }, { runtimeDir: '/tmp/rc', modulesDir: '/m' })).toThrow(
      /REALCALL_INTERNAL_SECRET: is required[\s\S]*REALCALL_AMI_SECRET: is required[\s\S]*ASTERISK_METRICS_SECRET: is required/,
    );
    expect(() =>
      settingsFromEnv(
        { ...env, REALCALL_INTERNAL_SECRET: `${'z'.repeat(32)}\n[evil]` },
        { runtimeDir: '/tmp/rc', modulesDir: '/m' },
      ),
    ).toThrow(/REALCALL_INTERNAL_SECRET: must not contain line breaks/);
    expect(() =>
      settingsFromEnv({ ...env, ASTERISK_HTTP_PORT: '99999' }, { runtimeDir: '/tmp/rc', modulesDir: '/m' }),
    ).toThrow(/ASTERISK_HTTP_PORT: must be a port number/);
    expect(() =>
      fill('x {{NOT_A_THING}}', settingsFromEnv(env, { runtimeDir: '/tmp/rc', modulesDir: '/m' }), 'f.conf'),
    ).toThrow(/unknown placeholder/);
  });
});

describe('docker-compose.yml, the Dockerfiles and npm run pbx agree', () => {
  const compose = parseYaml(readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8')) as {
    services: Record<
      string,
      {
        build?: { context: string; dockerfile: string };
        environment?: Record<string, string>;
        ports?: string[];
        volumes?: string[];
        network_mode?: string;
        healthcheck?: unknown;
      }
    >;
    volumes: Record<string, unknown>;
  };
  const asterisk = compose.services.asterisk!;
  const api = compose.services.api!;
  const turn = compose.services.turn!;
  const turnEnv = turn.environment ?? {};
  const aEnv = asterisk.environment ?? {};
  const apiEnv = api.environment ?? {};
  const published = (asterisk.ports ?? []).map((p) => p.replace(/^\$\{[^}]+\}/, '8080'));

  it('has the three services, each with a health check, built from files that exist', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['api', 'asterisk', 'turn']);
    for (const s of [asterisk, api, turn]) {
      expect(s.healthcheck).toBeDefined();
      expect(() => readFileSync(join(ROOT, s.build!.context, s.build!.dockerfile))).not.toThrow();
    }
  });

  it('publishes only the web/API port, SIP over WebSocket and the RTP range', () => {
    expect(published).toEqual([
      `8080:${apiEnv.REALCALL_PUBLIC_PORT}`,
      `${aEnv.ASTERISK_HTTP_PORT}:${aEnv.ASTERISK_HTTP_PORT}`,
      `${aEnv.ASTERISK_HTTPS_PORT}:${aEnv.ASTERISK_HTTPS_PORT}`,
      `${aEnv.ASTERISK_RTP_START}-${aEnv.ASTERISK_RTP_END}:${aEnv.ASTERISK_RTP_START}-${aEnv.ASTERISK_RTP_END}/udp`,
    ]);
    expect(api.ports).toBeUndefined();
  });

  it('keeps the internal listener and AMI on loopback in a shared namespace, with the same ports on both sides', () => {
    expect(api.network_mode).toBe('service:asterisk');
    expect(apiEnv.REALCALL_INTERNAL_HOST).toBe('127.0.0.1');
    expect(aEnv.REALCALL_API_INTERNAL_URL).toBe(`http://127.0.0.1:${apiEnv.REALCALL_INTERNAL_PORT}`);
    expect(apiEnv.REALCALL_AMI_URL).toBe(`tcp://127.0.0.1:${aEnv.ASTERISK_AMI_PORT}`);
    expect(apiEnv.REALCALL_AMI_USER).toBe(VARIABLES.REALCALL_AMI_USER);
    expect(aEnv.REALCALL_INTERNAL_SECRET).toBe(apiEnv.REALCALL_INTERNAL_SECRET);
    expect(aEnv.REALCALL_AMI_SECRET).toBe(apiEnv.REALCALL_AMI_SECRET);
  });

  it('requires its secrets from .env instead of defaulting them', () => {
    for (const name of [
      'REALCALL_INTERNAL_SECRET',
      'REALCALL_SECRET_KEY',
      'REALCALL_AMI_SECRET',
      'ASTERISK_METRICS_SECRET',
    ]) {
      const v = apiEnv[name] ?? aEnv[name];
      expect(v, name).toMatch(new RegExp(`^\\$\\{${name}:\\?`));
    }
    // One relay secret, the same on both sides: the API signs with it, the relay checks with it.
    expect(turnEnv.REALCALL_TURN_SECRET).toMatch(/^\$\{REALCALL_TURN_SECRET:\?/);
    expect(apiEnv.REALCALL_TURN_SECRET).toBe(turnEnv.REALCALL_TURN_SECRET);
  });

  it('publishes the relay on TURN’s ports and its own relay range, as turn.mjs is told', () => {
    expect(turn.ports).toEqual([
      `${turnEnv.TURN_PORT}:${turnEnv.TURN_PORT}/udp`,
      `${turnEnv.TURN_PORT}:${turnEnv.TURN_PORT}/tcp`,
      `${turnEnv.TURN_TLS_PORT}:${turnEnv.TURN_TLS_PORT}/tcp`,
      `${turnEnv.TURN_MIN_PORT}-${turnEnv.TURN_MAX_PORT}:${turnEnv.TURN_MIN_PORT}-${turnEnv.TURN_MAX_PORT}/udp`,
    ]);
    // The relay's range and Asterisk's RTP range must not overlap.
    expect(Number(turnEnv.TURN_MIN_PORT)).toBeGreaterThan(Number(aEnv.ASTERISK_RTP_END));
    for (const name of Object.keys(turnEnv)) expect(Object.keys(TURN_VARIABLES), name).toContain(name);
    // It may relay to the address browsers reach Asterisk's media on, and to no other private one.
    expect(turnEnv.TURN_ALLOWED_PEERS).toBe('${REALCALL_PUBLIC_MEDIA_ADDRESS:-}');
  });

  it('builds the relay from Alpine’s pinned coturn, rendered by turn.mjs, checked by its --health', () => {
    const dockerfile = readFileSync(join(ROOT, 'turn', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(new RegExp(`^FROM alpine:${ALPINE_RELEASE.replace('.', '\\.')}$`, 'm'));
    const apk = dockerfileInstructions(dockerfile, 'RUN').find((r) => r.startsWith('apk add'))!;
    expect(apk).toMatch(/^apk add --no-cache 'coturn~4\.10\.0' nodejs /);
    expect(dockerfile).not.toMatch(/\b(make|gcc|configure|git clone|wget|curl -)\b/);
    expect(dockerfile).toMatch(/^USER nobody$/m);
    expect(dockerfile).toMatch(/^EXPOSE 3478\/udp 3478\/tcp 5349\/tcp$/m);
    expect(dockerfileInstructions(dockerfile, 'HEALTHCHECK')[0]).toContain(
      'CMD node /opt/realcall/turn/turn.mjs --health',
    );
    expect((turn.healthcheck as { test: string[] }).test).toEqual([
      'CMD',
      'node',
      '/opt/realcall/turn/turn.mjs',
      '--health',
    ]);
    const entrypoint = readFileSync(join(ROOT, 'turn', 'docker-entrypoint.sh'), 'utf8');
    expect(entrypoint).toMatch(/node \/opt\/realcall\/turn\/turn\.mjs --render-only/);
    expect(entrypoint).toMatch(/exec turnserver -c "\$TURN_RUNTIME_DIR\/turnserver\.conf"/);
    for (const name of envNamesOf(dockerfile))
      expect(Object.keys(TURN_VARIABLES).concat('TURN_RUNTIME_DIR'), name).toContain(name);
  });

  it('passes only variables that the API or the renderers read, all listed in .env.example', () => {
    const example = readFileSync(join(ROOT, '.env.example'), 'utf8');
    const pbxNames = [...Object.keys(VARIABLES), 'REALCALL_PUBLIC_MEDIA_ADDRESS'];
    for (const name of Object.keys(apiEnv)) expect(ENV_VARIABLES, name).toContain(name);
    for (const name of Object.keys(aEnv)) expect(pbxNames, name).toContain(name);
    const interpolated = readFileSync(join(ROOT, 'docker-compose.yml'), 'utf8').matchAll(/\$\{([A-Z_]+)/g);
    for (const [, name] of interpolated) expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
    for (const name of ENV_VARIABLES) expect(example, name).toMatch(new RegExp(`^${name}=`, 'm'));
  });

  it('keeps the database and Asterisk state on named volumes', () => {
    expect(api.volumes).toEqual([`realcall-data:${dirnameOf(apiEnv.REALCALL_DB_PATH!)}`]);
    expect(asterisk.volumes).toEqual(['asterisk-data:/var/lib/asterisk']);
    expect(Object.keys(compose.volumes).sort()).toEqual(['asterisk-data', 'realcall-data']);
  });

  it('installs Asterisk from pinned distribution packages, renders with pbx.mjs, and paths match', () => {
    const dockerfile = readFileSync(join(ROOT, 'asterisk', 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM alpine:\d+\.\d+$/m);
    expect(dockerfile).not.toMatch(/\b(make|gcc|configure|git clone|wget|curl -)\b/);
    expect(dockerfile).toMatch(/COPY asterisk\/conf /);
    expect(dockerfile).toMatch(/COPY asterisk\/pbx\.mjs /);
    for (const name of [
      'ASTERISK_ETC_DIR',
      'ASTERISK_MOD_DIR',
      'ASTERISK_VAR_DIR',
      'ASTERISK_RUN_DIR',
      'ASTERISK_LOG_DIR',
      'ASTERISK_SPOOL_DIR',
    ]) {
      expect(dockerfile, name).toMatch(new RegExp(`${name}=/`));
    }
    const entrypoint = readFileSync(join(ROOT, 'asterisk', 'docker-entrypoint.sh'), 'utf8');
    expect(entrypoint).toMatch(/node \/opt\/realcall\/asterisk\/pbx\.mjs --render-only/);
    expect(entrypoint).toMatch(/exec asterisk -f/);
    const apiDockerfile = readFileSync(join(ROOT, 'api', 'Dockerfile'), 'utf8');
    expect(apiDockerfile).toMatch(/REALCALL_DB_PATH=\/data\/realcall\.db/);
    expect(apiDockerfile).toMatch(new RegExp(`^EXPOSE ${apiEnv.REALCALL_PUBLIC_PORT}$`, 'm'));
    expect(apiDockerfile).toMatch(new RegExp(`^VOLUME ${dirnameOf(apiEnv.REALCALL_DB_PATH!)}$`, 'm'));
    expect(dockerfile).toMatch(new RegExp(`^EXPOSE ${aEnv.ASTERISK_HTTP_PORT} ${aEnv.ASTERISK_HTTPS_PORT}$`, 'm'));
  });

  it('sets in the images only variables that the API or the renderer read', () => {
    const envNames = (file: string) =>
      [
        ...dockerfileInstructions(readFileSync(join(ROOT, file), 'utf8'), 'ENV')
          .join(' ')
          .matchAll(/([A-Z_]+)=/g),
      ].map((m) => m[1]!);
    for (const name of envNames('asterisk/Dockerfile')) expect(Object.keys(VARIABLES), name).toContain(name);
    for (const name of envNames('api/Dockerfile').filter((n) => n !== 'NODE_ENV'))
      expect(ENV_VARIABLES, name).toContain(name);
  });

  it('checks the API the same way in the image and in compose', () => {
    const apiDockerfile = readFileSync(join(ROOT, 'api', 'Dockerfile'), 'utf8');
    const check = dockerfileInstructions(apiDockerfile, 'HEALTHCHECK')[0]!;
    const composeTest = (api.healthcheck as { test: string[] }).test;
    expect(composeTest.slice(0, 1)).toEqual(['CMD']);
    const [command, ...args] = composeTest.slice(1);
    expect(check).toContain(`CMD ${command} ${args[0]} "${args[1]}"`);
  });
});

/** The variables a Dockerfile's ENV lines set. */
function envNamesOf(dockerfile: string): string[] {
  return [
    ...dockerfileInstructions(dockerfile, 'ENV')
      .join(' ')
      .matchAll(/([A-Z_]+)=/g),
  ].map((m) => m[1]!);
}

/** The arguments of every `INSTRUCTION …` in a Dockerfile, continuation lines joined. */
function dockerfileInstructions(text: string, instruction: string): string[] {
  return text
    .replace(/\\\n/g, ' ')
    .split('\n')
    .filter((line) => line.startsWith(`${instruction} `))
    .map((line) =>
      line
        .slice(instruction.length + 1)
        .replace(/\s+/g, ' ')
        .trim(),
    );
}

describe('the Asterisk image ships every module modules.conf loads', () => {
  const dockerfile = readFileSync(join(ROOT, 'asterisk', 'Dockerfile'), 'utf8');
  const loaded = values(section(conf('modules.conf'), 'modules'), 'load');
  const apk = dockerfileInstructions(dockerfile, 'RUN').find((r) => r.startsWith('apk add'))!;
  const installed = [...apk.matchAll(/'([a-z0-9-]+)~([0-9.]+)'/g)].map((m) => ({ pkg: m[1]!, version: m[2]! }));

  /** Loaded modules that no installed package ships, by the table. */
  const unshipped = (modules: string[], packages: string[]) =>
    modules.filter((m) => !packages.some((pkg) => PACKAGE_MODULES[pkg]?.includes(m)));

  it(`pins Alpine ${ALPINE_RELEASE} and Asterisk ${ASTERISK_VERSION} in every Asterisk package`, () => {
    expect(dockerfile).toMatch(new RegExp(`^FROM alpine:${ALPINE_RELEASE.replace('.', '\\.')}$`, 'm'));
    expect(installed.map((i) => i.pkg).sort()).toEqual(Object.keys(PACKAGE_MODULES).sort());
    for (const { pkg, version } of installed) expect(version, pkg).toBe(ASTERISK_VERSION);
    // Nothing else from Alpine but what runs the renderer and makes the wss certificate.
    expect(
      apk
        .replace(/'[^']+'/g, '')
        .split(/\s+/)
        .filter(Boolean),
    ).toEqual(['apk', 'add', '--no-cache', 'nodejs', 'openssl', '&&', 'rm', '-rf', '/etc/asterisk/*']);
  });

  it('has a package for every loaded module, and lists nothing that is not loaded', () => {
    expect(
      unshipped(
        loaded,
        installed.map((i) => i.pkg),
      ),
    ).toEqual([]);
    expect(Object.values(PACKAGE_MODULES).flat().sort()).toEqual([...loaded].sort());
  });

  it("puts each module in the package Alpine's split rules give it", () => {
    for (const [pkg, modules] of Object.entries(PACKAGE_MODULES))
      for (const module of modules) expect(packageOf(module), module).toBe(pkg);
    expect(packageOf('res_config_pgsql.so')).toBe('asterisk-pgsql');
    expect(packageOf('codec_opus_open_source.so')).toBe('asterisk-opus');
    expect(packageOf('res_srtp.so')).toBe('asterisk-srtp');
  });

  it('catches a module added to modules.conf without its package', () => {
    const packages = installed.map((i) => i.pkg);
    expect(unshipped([...loaded, 'res_config_pgsql.so'], packages)).toEqual(['res_config_pgsql.so']);
    expect(
      unshipped(
        loaded,
        packages.filter((p) => p !== 'asterisk-srtp'),
      ),
    ).toEqual(['res_srtp.so']);
  });
});

describe('the API image runs compiled JavaScript as an unprivileged user', () => {
  const dockerfile = readFileSync(join(ROOT, 'api', 'Dockerfile'), 'utf8');
  const stages = dockerfile.split(/^FROM /m).slice(1);
  const runStage = stages.at(-1)!;

  it('builds in one stage and runs node on the build output in the other', () => {
    expect(stages).toHaveLength(2);
    expect(stages[0]).toMatch(/RUN npm run build && npm prune --omit=dev/);
    const cmd = JSON.parse(dockerfileInstructions(runStage, 'CMD')[0]!) as string[];
    expect(cmd[0]).toBe('node');
    expect(cmd.at(-1)).toBe(`api/dist/${Object.keys(ENTRIES)[0]}.js`);
    expect(ENTRIES.server).toBe('api/src/server.ts');
    expect(runStage).not.toMatch(/\btsx\b|\.ts\b/);
    expect(dockerfileInstructions(runStage, 'USER')).toEqual(['node']);
  });

  it('copies into the run stage only the build output, production node_modules and package.json', () => {
    expect(dockerfileInstructions(runStage, 'COPY')).toEqual([
      '--from=build /app/package.json ./',
      '--from=build /app/node_modules ./node_modules',
      '--from=build /app/api/dist ./api/dist',
      '--from=build /app/web/dist ./web/dist',
    ]);
  });
});

function splitArgs(args: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of args) {
    if (ch === '(' || ch === '{' || ch === '[') depth++;
    if (ch === ')' || ch === '}' || ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current);
      current = '';
    } else current += ch;
  }
  out.push(current);
  return out.map((s) => s.trim());
}

function dirnameOf(path: string): string {
  return path.slice(0, path.lastIndexOf('/'));
}
