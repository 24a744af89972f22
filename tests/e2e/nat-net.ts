/**
 * Three network namespaces of the test's own, wired like the internet a
 * caller really has:
 *
 *   server ns  10.81.K.2 (PBX, API, callee's browser)   10.81.K.3 (relay)
 *        │ veth
 *   router ns  10.81.K.1  ── nftables: masquerade (NAT), and a firewall
 *        │ veth  │ veth       the test sets per scenario
 *   caller ns  192.168.K.2 ("Wi-Fi")   172.20.K.2 ("mobile", down at first)
 *              (the caller's browser; `switchCallerNetwork` moves it from one to the other)
 *
 * Nothing is attached to the host's own network: both veth pairs have both
 * ends inside these namespaces. Created and deleted by the test.
 */
import { execFileSync, spawnSync } from 'node:child_process';

/** The namespaces and addresses (plain data: the script inside the server namespace gets it as JSON). */
export type NatNet = {
  id: string;
  server: string;
  router: string;
  caller: string;
  /** The server namespace's addresses: the PBX's, and the relay's. */
  pbxAddress: string;
  relayAddress: string;
  /** The caller's address on its first network. */
  callerAddress: string;
  /** The caller's network, as its first three octets. */
  lan: string;
  /** The caller's second network ("mobile"), as its first three octets; its link is down at first. */
  mobile: string;
};

/** The router's forward rules, for whatever comes from the caller's networks (either of its two links). */
export const FIREWALLS = {
  /** Only NAT: media goes straight to the PBX (through the NAT). */
  open: (_n: Addresses) => [] as string[],
  /** No UDP to the PBX at all; UDP only to the relay's port (a "no UDP to servers" company network). */
  relayUdp: (n: Addresses) => [
    `iifname { "${n.lanLink}", "${n.mobileLink}" } ip daddr ${n.pbx} meta l4proto udp drop`,
    `iifname { "${n.lanLink}", "${n.mobileLink}" } ip daddr ${n.relay} udp dport != 3478 drop`,
  ],
  /** No UDP anywhere: only TCP leaves (a hotel or company firewall). */
  tcpOnly: (n: Addresses) => [`iifname { "${n.lanLink}", "${n.mobileLink}" } meta l4proto udp drop`],
} as const;

type Addresses = { pbx: string; relay: string; lanLink: string; mobileLink: string };

const ipNs = (ns: string, ...args: string[]) => execFileSync('ip', ['netns', 'exec', ns, ...args], { stdio: 'pipe' });

const nft = (net: NatNet, script: string) =>
  execFileSync('ip', ['netns', 'exec', net.router, 'nft', '-f', '-'], { input: script, stdio: 'pipe' });

/** What the router lets through from the caller's network from now on. */
export function setFirewall(net: NatNet, name: keyof typeof FIREWALLS): void {
  const rules = FIREWALLS[name]({
    pbx: net.pbxAddress,
    relay: net.relayAddress,
    lanLink: `rl${net.id}`,
    mobileLink: `rn${net.id}`,
  });
  nft(
    net,
    [`flush chain ip realcall_nat forward`, ...rules.map((r) => `add rule ip realcall_nat forward ${r}`)].join('\n'),
  );
}

/**
 * The caller's device leaves one network for the other under a call (Wi-Fi
 * off, mobile on; called again, back): the link in use goes down, the other
 * comes up with its own address and route. Every socket of the first is
 * stranded.
 */
export function switchCallerNetwork(net: NatNet): void {
  const up = (dev: string) => ipNs(net.caller, 'ip', 'link', 'show', dev).toString().includes('state UP');
  const [from, to, via] = up(`rc${net.id}`)
    ? [`rc${net.id}`, `rm${net.id}`, `${net.mobile}.1`]
    : [`rm${net.id}`, `rc${net.id}`, `${net.lan}.1`];
  ipNs(net.caller, 'ip', 'link', 'set', from, 'down');
  ipNs(net.caller, 'ip', 'link', 'set', to, 'up');
  ipNs(net.caller, 'ip', 'route', 'replace', 'default', 'via', via);
}

/** Removes the three namespaces (and with them both veth pairs). */
export function removeNatNet(net: Pick<NatNet, 'server' | 'router' | 'caller'>): void {
  for (const ns of [net.server, net.router, net.caller]) spawnSync('ip', ['netns', 'del', ns]);
}

export function createNatNet(): NatNet {
  const id = `${process.pid % 100000}`;
  const k = (process.pid % 200) + 20;
  const server = `rc-srv-${id}`;
  const router = `rc-rtr-${id}`;
  const caller = `rc-cli-${id}`;
  const pub = `10.81.${k}`;
  const lan = `192.168.${k}`;
  const mobile = `172.20.${k}`;
  const ip = (...args: string[]) => execFileSync('ip', args, { stdio: 'pipe' });
  const net: NatNet = {
    id,
    server,
    router,
    caller,
    pbxAddress: `${pub}.2`,
    relayAddress: `${pub}.3`,
    callerAddress: `${lan}.2`,
    lan,
    mobile,
  };
  const remove = () => removeNatNet(net);
  remove();
  const callerAddress = net.callerAddress;
  try {
    for (const ns of [server, router, caller]) {
      ip('netns', 'add', ns);
      ip('-n', ns, 'link', 'set', 'lo', 'up');
    }
    // server <-> router
    ip('link', 'add', `rs${id}`, 'type', 'veth', 'peer', 'name', `rr${id}`);
    ip('link', 'set', `rs${id}`, 'netns', server);
    ip('link', 'set', `rr${id}`, 'netns', router);
    // router <-> caller
    ip('link', 'add', `rl${id}`, 'type', 'veth', 'peer', 'name', `rc${id}`);
    ip('link', 'set', `rl${id}`, 'netns', router);
    ip('link', 'set', `rc${id}`, 'netns', caller);
    // router <-> caller, the second ("mobile") network
    ip('link', 'add', `rn${id}`, 'type', 'veth', 'peer', 'name', `rm${id}`);
    ip('link', 'set', `rn${id}`, 'netns', router);
    ip('link', 'set', `rm${id}`, 'netns', caller);
    ip('-n', router, 'addr', 'add', `${mobile}.1/24`, 'dev', `rn${id}`);
    ip('-n', caller, 'addr', 'add', `${mobile}.2/24`, 'dev', `rm${id}`);
    ip('-n', server, 'addr', 'add', `${pub}.2/24`, 'dev', `rs${id}`);
    ip('-n', server, 'addr', 'add', `${pub}.3/24`, 'dev', `rs${id}`);
    ip('-n', router, 'addr', 'add', `${pub}.1/24`, 'dev', `rr${id}`);
    ip('-n', router, 'addr', 'add', `${lan}.1/24`, 'dev', `rl${id}`);
    ip('-n', caller, 'addr', 'add', `${callerAddress}/24`, 'dev', `rc${id}`);
    for (const [ns, dev] of [
      [server, `rs${id}`],
      [router, `rr${id}`],
      [router, `rl${id}`],
      [router, `rn${id}`],
      [caller, `rc${id}`],
    ] as const) {
      ip('-n', ns, 'link', 'set', dev, 'up');
    }
    ip('-n', server, 'route', 'add', 'default', 'via', `${pub}.1`);
    ip('-n', caller, 'route', 'add', 'default', 'via', `${lan}.1`);
    ipNs(router, 'sysctl', '-qw', 'net.ipv4.ip_forward=1');
    // An IPv4 network, like the PBX's: no IPv6 on the caller's links. A link that comes up gets an IPv6
    // link-local address about a second later (after duplicate address detection), and that second
    // address event restarts Chromium's wait for the network to settle before WebRTC sees the new
    // address: measured, a network switch then took 3.5 s instead of 1.9 s (docs/performance.md).
    ipNs(caller, 'sysctl', '-qw', 'net.ipv6.conf.all.disable_ipv6=1');
    ipNs(caller, 'sysctl', '-qw', 'net.ipv6.conf.default.disable_ipv6=1');
    for (const dev of [`rc${id}`, `rm${id}`]) ipNs(caller, 'sysctl', '-qw', `net.ipv6.conf.${dev}.disable_ipv6=1`);
    nft(
      net,
      `
      table ip realcall_nat {
        chain postrouting { type nat hook postrouting priority srcnat; oifname "rr${id}" masquerade; }
        chain forward { type filter hook forward priority filter; policy accept; }
      }
    `,
    );
  } catch (err) {
    remove();
    throw err;
  }
  return net;
}
