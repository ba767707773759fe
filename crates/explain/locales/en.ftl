# iotgate — English catalogue. Every string a person reads lives here and in fr.ftl.

## Common
none = none
and-more = { " " }(+{ $count } more)
warning = warning:
vendor-unknown = unknown vendor
device-subscriber = subscriber { $id }
report-title = iotgate — devices on this network
packets-count = { $count ->
    [one] 1 packet
   *[other] { $count } packets
}
pkts = { $count ->
    [one] 1 pkt
   *[other] { $count } pkts
}
summary-line = { $packets ->
    [one] 1 packet
   *[other] { $packets } packets
}, { $devices ->
    [one] 1 device
   *[other] { $devices } devices
}, { $flows ->
    [one] 1 flow
   *[other] { $flows } flows
}, { $findings ->
    [one] 1 finding
   *[other] { $findings } findings
}
time-range = from { $from } to { $to }
bounded-note = Memory bounds reached: { $flows } flows closed early and { $devices } addresses not tracked. Results stay correct in totals; some peers are aggregated.
peers-not-listed = and { $flows } more flows with peers not listed one by one: { $packets } packets, { $bytes }
peers-count = { $count ->
    [one] 1 peer
   *[other] { $count } peers
}

## Device fields
label-why = why
label-addresses = addresses
label-hostnames = host names
label-dhcp = DHCP
dhcp-line = vendor class “{ $vc }”, asks for options { $prl }
dhcp-line-novc = no vendor class, asks for options { $prl }
label-mud = MUD URL
label-mdns = mDNS services
label-ssdp = UPnP server
label-tls = TLS names
label-ua = user agents
label-domains = names looked up
label-tunnels = seen inside
tunnel-gre = GRE
tunnel-vxlan = VXLAN
tunnel-gtp_u = GTP-U
tunnel-ip_in_ip = IP-in-IP
tunnel-teredo = Teredo
tunnel-capwap = CAPWAP
label-peers = talks to
label-traffic = traffic
traffic-totals = { $flows } flows, { $packets } packets, { $bytes } (peers not kept one by one)
label-carried = carries
carried-traffic = { $flows } flows for addresses not its own (relayed or forged): { $packets } packets, { $bytes }
label-findings = findings
label-advice = What to do:
no-findings = Nothing worrying seen in this traffic.
role-client = the device connected to
role-server = the device was reached by
evidence-line = { $role } { $peer } ({ $proto }/{ $port }), { $count ->
    [one] once
   *[other] { $count } times
}, first at { $first }

## Severities
severity-high = high
severity-medium = medium
severity-low = low
severity-info = info

## Device kinds
kind-camera = camera
kind-plug = smart plug or switch
kind-bulb = light bulb
kind-hub = hub or bridge
kind-speaker = speaker or media player
kind-printer = printer
kind-phone = phone or tablet
kind-computer = computer
kind-router = router
kind-sensor = sensor
kind-unknown = unknown kind

## Why a kind was chosen
reason-routes = It relays traffic for other Internet addresses, which is what a router does.
reason-dhcp-server = It hands out network addresses (DHCP server), which is what a router does.
reason-rtsp = It serves video streams (RTSP), which is what a camera does.
reason-hostname = Its name contains “{ $evidence }”.
reason-mdns = It announces the “{ $evidence }” service on the local network.
reason-vendor-class = Its DHCP vendor class contains “{ $evidence }”.
reason-ssdp = Its UPnP server description contains “{ $evidence }”.
reason-mud-url = Its manufacturer's MUD URL contains “{ $evidence }”.
reason-user-agent = Its web user agent contains “{ $evidence }”.
reason-vendor = Its maker's registered name contains “{ $evidence }”.
reason-none = Not enough evidence in this traffic to tell what it is.

## Findings
finding-cleartext-telnet-title = Telnet login without encryption
finding-cleartext-telnet-explain = This device used Telnet, which sends user names, passwords and commands as readable text. Anyone on the network path can read them, and Telnet is the door the Mirai botnet used to take over cameras and routers.
finding-cleartext-telnet-advice = Turn Telnet off in the device's settings or update its firmware. If it cannot be turned off, change the password to a long unique one and keep the device off the Internet; consider replacing it.
finding-cleartext-ftp-title = FTP without encryption
finding-cleartext-ftp-explain = This device used FTP, which sends its password and files as readable text.
finding-cleartext-ftp-advice = Use a secure alternative (SFTP or HTTPS) if the device offers one, or turn FTP off.
finding-http-cleartext-secrets-title = Secrets or personal data sent without encryption ({ $detail })
finding-http-cleartext-secrets-explain = The device sent web requests without encryption whose addresses carry { $detail } (to { $peer }). Anyone on the path — the Wi-Fi, the Internet provider, a compromised router — can read them: tokens and keys let others act as the device or its owner; serial numbers, network names and positions reveal who and where you are.
finding-http-cleartext-secrets-advice = Check for a firmware update that moves these requests to HTTPS. If there is none, ask the maker; keep the device on a separate network meanwhile.
finding-http-basic-auth-title = Password sent over plain HTTP
finding-http-basic-auth-explain = A password was sent to or from this device over unencrypted web traffic (HTTP Basic authentication, host { $detail }). It can be read by anyone who sees the traffic.
finding-http-basic-auth-advice = Change that password, and use the device's HTTPS address or app instead of plain HTTP. Ask the maker for a firmware update that encrypts logins.
finding-mqtt-cleartext-credentials-title = Messaging password sent without encryption
finding-mqtt-cleartext-credentials-explain = This device logged in to an MQTT message broker ({ $peer }) with a user name or password in readable text (client “{ $detail }”). Someone who captures it can control or impersonate the device.
finding-mqtt-cleartext-credentials-advice = Configure the device or broker to use MQTT over TLS (usually port 8883) and change the password.
finding-mqtt-cleartext-title = Device messages sent without encryption
finding-mqtt-cleartext-explain = This device exchanges MQTT messages with { $peer } without encryption, so what it reports and the commands it receives can be read or changed on the way.
finding-mqtt-cleartext-advice = Prefer MQTT over TLS if the device or broker supports it.
finding-unidentified-cleartext-title = Unrecognised data sent without encryption
finding-unidentified-cleartext-explain = The device exchanged readable text with { $peer } in a protocol iotgate does not recognise, without encryption. Whatever it carries — commands, identifiers, settings — can be read or changed by anyone on the path.
finding-unidentified-cleartext-advice = Ask the maker what this connection carries and whether a firmware update encrypts it; keep the device on a separate network meanwhile.
finding-rtsp-cleartext-title = Video stream without encryption
finding-rtsp-cleartext-explain = Video was requested over RTSP without encryption (request { $detail }). Anyone on the network path can watch the stream, and RTSP passwords are often weak.
finding-rtsp-cleartext-advice = Turn off RTSP if you do not use it, set a strong password, and never expose the camera's RTSP port to the Internet.
finding-tls-legacy-title = Outdated encryption offered ({ $detail })
finding-tls-legacy-explain = This device offered only { $detail } when connecting to { $peer }. Versions older than TLS 1.2 have known weaknesses and are no longer accepted by modern standards.
finding-tls-legacy-advice = Update the device's firmware. If no update fixes it, the maker no longer maintains its security: plan to replace it.
finding-upnp-port-mapping-title = Opened a port on your router (UPnP)
finding-upnp-port-mapping-explain = This device asked the router to open a port from the Internet to itself (UPnP AddPortMapping to { $peer }). That makes it reachable — and attackable — from anywhere.
finding-upnp-port-mapping-advice = Turn UPnP off on your router unless you need it, and check which ports are open. Keep the device's firmware up to date.
finding-dns-hardcoded-resolver-title = Ignores your network's name server
finding-dns-hardcoded-resolver-explain = This device sends its DNS look-ups to { $peer } instead of the resolver your network provides. Your filtering and privacy settings do not apply to it.
finding-dns-hardcoded-resolver-advice = Check the device's network settings; if it cannot be changed, your router can redirect or block outside DNS for this device.

## Capture warnings and errors
warn-truncated = the capture ends inside a packet at byte { $offset } ({ $needed } bytes announced, { $had } present); the packets before it were read
warn-bad-record = impossible packet length { $len } at byte { $offset }; reading stopped there
warn-bad-block = damaged pcapng block (type { $type }, length { $len }) at byte { $offset }
warn-linktype = link type { $linktype } is not decoded (byte { $offset })
warn-interface = a packet refers to an undescribed interface { $interface } at byte { $offset }
err-io = { $path }: { $error }
err-empty = { $path }: empty file, not a capture
err-not-capture = { $path }: not a pcap or pcapng capture (starts with bytes { $bytes })
err-bad-header = { $path }: damaged capture header: { $what }
err-directory = { $path }: is a folder with no captures in it
err-no-input = no capture given; try: iotgate analyze CAPTURE.pcap
err-write = cannot write { $path }: { $error }
err-bad-value = { $option }: { $error }

## HTML
html-title = Your network's devices and their security
html-intro = What iotgate saw in the captured traffic: which devices are on the network, who they talk to, and what to fix first.
html-devices = devices
html-findings = things to look at
html-packets = packets analysed
html-attention = What needs your attention
html-all-clear = Nothing worrying was seen in this traffic.
html-your-devices = Your devices
html-footer = Made by { $generator } from the traffic alone, without touching the devices.
col-peer = address
col-name = name
col-service = service
col-packets = packets

## Command line
cli-about = iotgate: know every device on your network, and what it does.
cli-long = iotgate reads network captures (pcap, pcapng), lists every device it sees with who it is and what it talks to, and explains security problems in plain language.
cli-lang = Language of everything printed: en or fr (default: from LANG)
cli-analyze = Analyse captures: devices, what they talk to, findings
cli-analyze-long = Reads one or more captures (or folders of captures), merges them in time order and reports every device: maker, kind, addresses, names, DHCP fingerprint, MUD URL, services, the names it looked up and the peers it talked to, with findings explained in plain language, and the alerts of the detectors (scanning, password guessing, floods, command-and-control, blocklists, exposure, behaviour change; docs/detection.md).{ "\u000A\u000A" }Examples:{ "\u000A" }  iotgate analyze home.pcap{ "\u000A" }  iotgate analyze --format json capture1.pcap capture2.pcapng > report.json{ "\u000A" }  iotgate analyze --html report.html --lang fr captures/{ "\u000A" }  tcpdump -i eth0 -w - | iotgate analyze -{ "\u000A" }  iotgate analyze -i br-lan --duration 10m
cli-captures = Capture files (pcap or pcapng) or folders holding them; - reads a capture from standard input (tcpdump -w - | iotgate analyze -)
progress-live = capturing on { $iface }
err-stdin-alone = standard input (-) must be the only input: captures cannot be merged by time with a stream that may never end
err-interface = cannot capture on { $iface }: { $error }
err-duration = { $value } is not a duration: write a number of seconds, or a number followed by s, m or h (90s, 5m, 1h)
cli-duration = With --interface or standard input: stop after this long (90s, 5m, 1h; a bare number is seconds)
cli-interface = Capture live on this network interface instead of reading files (needs root or CAP_NET_RAW); Ctrl-C or --duration ends the capture and prints the report
cli-format = Output format on standard output: text or json
cli-html = Also write a self-contained HTML report to this file
cli-max-flows = Most flows held in memory at once (older ones are summarised)
cli-peers = Peers listed per device in the text report
cli-threads = Threads: 1 analyses on one core; 2 (the default on a multi-core machine) reads and decodes on a second core. Results are identical.
cli-progress = Progress bar: auto (on a terminal, for long work), always or never
cli-simulate = Write a realistic synthetic home-network capture
cli-simulate-long = Writes a deterministic capture of a home or small office: phones, computers, cameras, plugs, bulbs, speakers and hubs doing DHCP, DNS, mDNS, SSDP, NTP, TLS to their clouds and MQTT. Infected cameras scan for Telnet like Mirai (raw SYNs whose sequence number is the target address); --flood adds an outbound flood. A JSON file next to the capture lists what was planted.{ "\u000A\u000A" }Example:{ "\u000A" }  iotgate simulate --out home.pcap --devices 12 --packets 200000 --seed 7
cli-out = Capture file to write
cli-devices = Number of devices (besides the router)
cli-packets = Approximate number of packets to write
cli-seed = Seed: the same seed gives the same capture
cli-infected = Number of infected cameras
cli-flood = Add an outbound flood from the first infected camera
cli-stealthy = Devices (after the infected cameras) running a stealthier bot: a slow scan spread over bot ports, SSH password guessing on port 2222, HTTPS check-ins at irregular intervals
cli-truth = Where to write the ground-truth JSON (default: OUT with .truth.json)
progress-reading = reading
sim-done = wrote { $packets } packets ({ $bytes } bytes) to { $path }; ground truth in { $truth }
cli-sim-netflow = Write an ISP's flow exports instead (v9 or ipfix): --subscribers homes, each a simulated home network behind its NAT (its own address, or a shared CGNAT address with a port block), --infected of them with a Mirai-infected camera and --stealthy with the stealthier bot (--flood: the first infected floods too), --devices and --packets per home, metered into flow records at the access network's edge. Beside the capture: the subscriber map (.subscribers.txt) and the ground truth (.truth.json)
cli-sim-subscribers = With --netflow: the number of subscribers (homes)
sim-isp-done = wrote { $packets } export packets ({ $records } flow records from { $homes } homes) to { $path }; subscriber map in { $map }, ground truth in { $truth }

## MUD (RFC 8520) profiles
cli-mud = Work with MUD (RFC 8520) profiles: check them
cli-mud-long = A MUD profile is a manufacturer's statement of what a device needs on the network (RFC 8520). iotgate reads RFC profiles and the draft-era layouts still found in the wild (read in legacy mode, with a warning for each draft-era name).
cli-mud-check = Validate MUD profiles and explain every problem
cli-mud-check-long = Reads each MUD file and reports every problem with the JSON path where it was found. Errors make a profile unusable (a wrong type, an ACL that a policy names but nobody defines, an impossible port range, a member the schema does not define); warnings do not (draft-era names, members of modules iotgate does not know, an address without prefix length).{ "\u000A\u000A" }Exit status: 0 when every profile is usable, 1 when one is not, 2 when a file cannot be read.{ "\u000A\u000A" }Examples:{ "\u000A" }  iotgate mud check camera.json{ "\u000A" }  iotgate mud check --format json profiles/*.json
cli-mud-files = MUD files (JSON)
cli-mud-format = Output format: text or json
mud-valid = usable: { $url }{ $info }; { $from } from-device and { $to } to-device ACLs, { $aces } entries
mud-invalid = not usable: { $errors ->
    [one] one error
   *[other] { $errors } errors
}
mud-warnings = { $n ->
    [one] one warning
   *[other] { $n } warnings
}
mud-sev-error = error
mud-sev-warning = warning
mud-read-error = cannot read { $path }: { $error }
mud-syntax = not JSON: { $detail } (line { $line }, column { $column })
mud-too-large = the file is { $bytes } bytes; a MUD profile may be at most { $limit }
mud-missing = the required member “{ $field }” is missing
mud-type = expected { $expected ->
    [object] an object
    [array] an array
    [string] a string
    [boolean] true or false
   *[integer] an integer
}
mud-value = “{ $value }” is not allowed here; expected { $expected }
mud-range = { $value } is out of range ({ $min } to { $max })
mud-undefined-acl = the ACL “{ $name }” is referenced here but defined nowhere in the file
mud-duplicate-acl = a second ACL is named “{ $name }”
mud-duplicate-ace = a second entry in this ACL is named “{ $name }”
mud-port-range = impossible port range: lower port { $lower } is above upper port { $upper }
mud-exclusive = “{ $a }” and “{ $b }” cannot both be given
mud-unknown = unknown member “{ $field }” (ignored)
mud-legacy = draft-era name “{ $field }” read as “{ $modern }”
mud-version = { $version ->
    [none] no mud-version; read as version 1
   *[other] mud-version { $version } is not supported (only 1)
}
mud-no-prefix = “{ $value }” has no prefix length; read as a single address
mud-family = “{ $value }” is not of this ACL's IP version, so this entry never matches
mud-protocol-mismatch = “{ $layer }” matches contradict protocol { $protocol }
mud-unused-acl = the ACL “{ $name }” is defined but no policy uses it
mud-not-https = the MUD URL “{ $url }” must start with https://
mud-undefined-member = “{ $field }” is not a member the schema defines here
mud-exp-empty = [null] (an empty leaf)
mud-exp-date-time = an RFC 3339 date and time, such as 2024-05-01T12:00:00Z
mud-exp-systeminfo = 1 to 60 characters
mud-exp-acl-type = ipv4-acl-type, ipv6-acl-type, eth-acl-type or a mixed type
mud-exp-direction = from-device or to-device
mud-exp-forwarding = accept, drop or reject
mud-exp-eth-only = only eth matches in an Ethernet ACL
mud-exp-dns-name = a DNS name
mud-exp-operator = eq, neq, lte or gte
mud-exp-prefix = an IP prefix such as 192.0.2.0/24 or 2001:db8::/32
mud-exp-prefix-length = a prefix length no longer than the address
mud-exp-ethertype = an ethertype from 0 to 65535, such as "0x888e"
cli-mud-audit = Check the devices in captures against their MUD profiles
cli-mud-audit-long = Decides every flow of each device that has a profile, both ways, as a MUD-enforcing gateway would: allowed (by which entry) or a violation. Entries naming DNS names match the addresses the device itself resolved those names to in the capture. The report lists the violations with evidence and a plain explanation, and the entries no flow used.{ "\u000A\u000A" }Profiles come from --mud MAC=FILE, or from --mud-cache DIR for devices that announced a MUD URL (DHCP, DHCPv6 or LLDP): the profile for https://host/path is read from DIR/host/path.json.{ "\u000A\u000A" }Examples:{ "\u000A" }  iotgate mud audit plug.pcap --mud 50:c7:bf:00:c7:03=tplinkplug.json{ "\u000A" }  iotgate mud audit --format json --mud-cache profiles/ home.pcap
cli-mud-profile = A device and its profile: MAC=FILE (repeatable)
cli-mud-cache = Folder of profiles found by MUD URL: https://host/path is read from DIR/host/path.json
cli-mud-controller = A controller's address for its class: URI=ADDRESS (e.g. urn:ietf:params:mud:ntp=192.168.1.1; my-controller=ADDRESS for my-controller)
cli-analyze-mud = Also audit this device against this MUD profile: MAC=FILE (repeatable)
err-mud-arg = “{ $arg }” is not { $what ->
    [addr] MAC=ADDRESS (a MAC address such as 50:c7:bf:00:c7:03, an equals sign, an IP address)
    [profile] MAC=FILE (a MAC address such as 50:c7:bf:00:c7:03, an equals sign, a file)
   *[controller] URI=ADDRESS (a controller class, an equals sign, an IP address)
}
err-mud-profile = { $path }: { $problem }
err-mud-unusable = { $path } is not a usable MUD profile ({ $errors ->
    [one] one error
   *[other] { $errors } errors
}; run “iotgate mud check { $path }” to see them)
mudaudit-head = MUD audit of { $mac } against { $url } ({ $source })
mudaudit-summary = { $flows } flows: { $allowed } allowed, { $violating } not allowed by the profile
mudaudit-violations = Not allowed:
mudaudit-counts = { $flows ->
    [one] one flow
   *[other] { $flows } flows
}, { $packets } packets, from { $first }
mudaudit-violation = { $device } { $who ->
    [device] reached
   *[remote] was reached by
} { $peer } over { $proto } port { $port }, which its manufacturer's MUD profile { $how ->
    [denied] explicitly forbids
   *[other] does not list
}. A gateway that enforces MUD would block it. It can be harmless (a profile that is out of date) or a sign that the device does something its maker did not intend, such as after being taken over.
mudaudit-advice = What you can do: make sure the device runs its latest firmware; if you did not expect this traffic, isolate the device (or turn on MUD enforcement on your gateway) and ask the manufacturer to correct its profile.
mudaudit-dropped = … and { $n } more violating flows not listed
mudaudit-unused = { $n ->
    [one] One entry of the profile was never used:
   *[other] { $n } entries of the profile were never used:
}
mudaudit-none = No device in these captures has a MUD profile (give --mud MAC=FILE, or --mud-cache DIR for devices that announce a MUD URL).
mudcache-bad-url = { $mac } announced the MUD URL { $url }, which cannot name a file in the profile cache: { $detail }
mudcache-missing = { $mac } announced the MUD URL { $url }, but the cache has no { $path }; its traffic was not audited
mudcache-io = { $mac } announced the MUD URL { $url }; { $path } could not be read: { $detail }
mudcache-unusable = { $mac } announced the MUD URL { $url }; { $path } is not a usable profile ({ $detail } errors; see “iotgate mud check”)
html-mud = Checked against the makers’ MUD profiles
cli-mud-learn = Write a MUD profile that allows exactly what a device did
cli-mud-learn-long = Watches one device in the captures and writes an RFC 8520 profile allowing exactly the traffic seen: Internet peers by the DNS name the device looked up (by address when it looked none up), the network's resolver as the DNS controller, LAN peers as local networks, with protocols, ports, ICMP types and, for TCP, who opened the connection. The same captures always give the same profile. Check it with “iotgate mud audit”.{ "\u000A\u000A" }Examples:{ "\u000A" }  iotgate mud learn plug.pcap --device 50:c7:bf:00:c7:03 --out plug.json{ "\u000A" }  iotgate mud learn captures/ --device 50:c7:bf:00:c7:03 --url https://example.com/plug.json
cli-mud-device = The device to learn, by MAC address
cli-mud-url = The MUD URL to write in the profile (default: the one the device announced, else a placeholder under mud.example.com)
cli-mud-systeminfo = A description of the device (at most 60 characters)
cli-mud-out = Write the profile to this file instead of standard output
err-mud-device = “{ $arg }” is not a MAC address such as 50:c7:bf:00:c7:03
learn-nothing = { $mac } has no traffic in these captures that a profile could allow (is the MAC right?)
learn-systeminfo = { $vendor } device, profile learned by iotgate
learn-done = learned { $aces } entries from { $flows } flows of { $mac }; profile for { $url } written to { $path }
learn-truncated = the device did more than a profile can hold: { $n } flows are not covered (it may be scanning)
cli-mud-trust = Also verify each profile's detached CMS signature (FILE.p7s beside it) against the certificates in this PEM file, the only trust anchors
cli-mud-signature = The signature file, when it is not the profile's name with .p7s (one profile only)
sig-one-file = --signature names the signature of one profile: give exactly one FILE
sig-missing = signature: cannot read { $path }: { $error }
sig-valid = signature: valid — signed by { $signer } on { $when } ({ $path })
sig-valid-expired = signature: valid — signed by { $signer } on { $when }, checked as of that date: a certificate of the chain has expired since ({ $path })
sig-not-cms = signature: NOT valid — { $path } is not a CMS signature ({ $detail })
sig-bad-anchor = signature: not checked — the trust anchors are not PEM certificates ({ $detail })
sig-changed = signature: NOT valid — the profile is not the one that was signed: it changed after signing ({ $path })
sig-untrusted = signature: NOT valid — the signer is not trusted: its certificate does not lead to a trust anchor ({ $detail })
sig-invalid = signature: NOT valid — { $detail } ({ $path })
sig-no-anchor = signature: not checked — the trust-anchor file holds no PEM certificate
cli-mud-nft = Compile MUD profiles into one nftables ruleset (JSON for nft -j -f)
cli-mud-nft-long = Writes, for the devices given, one nftables ruleset in table inet iotgate_mud: per device a chain for what it sends (matched by its MAC) and one for what it receives (matched by its addresses), each entry of its profile as a rule, and a final drop; traffic of other devices is not touched. Entries naming DNS names use named sets that “iotgate mud enforce” fills at run time from the device's DNS answers, with their TTLs as timeouts. Applying the file replaces the table atomically.{ "\u000A\u000A" }Example:{ "\u000A" }  iotgate mud nft --mud 50:c7:bf:00:c7:03=plug.json --addr 50:c7:bf:00:c7:03=192.168.1.20 --controller urn:ietf:params:mud:dns=192.168.1.1 > mud.nft.json && nft -j -f mud.nft.json
cli-mud-nft-out = Write the ruleset to this file instead of standard output
cli-mud-enforce = Enforce MUD profiles on this gateway with nftables
cli-mud-enforce-long = Applies the ruleset of “iotgate mud nft” atomically, then watches the LAN interface for the DNS answers the managed devices receive and adds each allowed name's addresses to its set for the answer's TTL, so that a device reaches the names its profile allows — even when their addresses change — and nothing else. Needs root (or CAP_NET_ADMIN and CAP_NET_RAW) and nftables. Remove the rules with: nft delete table inet iotgate_mud{ "\u000A\u000A" }Example:{ "\u000A" }  iotgate mud enforce --interface br-lan --mud 50:c7:bf:00:c7:03=plug.json --addr 50:c7:bf:00:c7:03=192.168.1.20
cli-mud-addr = An address of a managed device: MAC=ADDRESS (repeatable); what it receives is matched by these
cli-mud-interface = The LAN interface to watch for DNS answers
cli-mud-for = Stop after this many seconds (default: run until stopped)
nft-no-profile = give at least one device and its profile: --mud MAC=FILE
nft-skipped = left out of the ruleset: { $what }: { $why }
nft-apply = nft refused the rules: { $error }
enforce-socket = cannot watch { $iface }: { $error }
enforce-started = rules applied; watching { $iface } for DNS answers to { $devices } managed devices
nft-why-eth-acl = an Ethernet ACL (a gateway forwards IP; frames like EAPOL never cross it)
nft-why-own-side-name = it names the device's own side by DNS name
nft-why-ports-without-l4 = ports without TCP or UDP
nft-why-no-controller = no address is known for this controller (give --controller URI=ADDRESS)
nft-why-no-my-controller = no address is known for my-controller (give --controller my-controller=ADDRESS)
nft-why-no-peer-device = no other managed device of that maker or model
cli-mud-fetch = Fetch MUD profiles over HTTPS, verify their signatures, keep them in a cache
cli-mud-fetch-long = Retrieves each profile over HTTPS only (no redirects, at most 1 MiB, 15 s), then its detached signature (the profile's mud-signature, else the same URL ending in .p7s), and keeps the profile only if the signature verifies against the trust anchors. Profiles land in the cache folder that “--mud-cache” reads (DIR/host/path.json) with their signature and the time they were fetched; a cached profile younger than its cache-validity is not fetched again (unless --force).{ "\u000A\u000A" }Example:{ "\u000A" }  iotgate mud fetch --cache profiles/ --trust makers-ca.pem https://lighting.example.com/lightbulb2000.json
cli-mud-urls = MUD URLs (https://…)
cli-mud-cache-dir = The profile cache folder
cli-mud-fetch-trust = Certificates (PEM) that may sign profiles: the only trust anchors for signatures
cli-mud-tls-roots = Extra certificate authorities (PEM) to trust for HTTPS, besides the system's
cli-mud-force = Fetch again even when the cached copy is still valid
fetch-tls = cannot set up HTTPS: { $error }
fetch-stored = { $url }: signature valid; stored in { $path }
fetch-fresh = { $url }: the cached copy is still valid ({ $path }); not fetched again
fetch-bad-url = { $url }: not fetched — { $detail }
fetch-http = { $url }: not fetched — { $detail }
fetch-too-large = { $url }: not fetched — larger than { $detail } bytes
fetch-unusable = { $url }: not kept — not a usable MUD profile (run “iotgate mud check” on it: { $detail ->
    [1] one error
   *[other] { $detail } errors
})
fetch-signature = { $url }: not kept — its signature does not verify: { $detail }
fetch-io = { $url }: cannot write to the cache: { $detail }
cli-mud-fetch-flag = Fetch the MUD URLs devices announce into the --mud-cache folder (HTTPS, signatures checked against --trust) before auditing them
fetch-needs-trust = --fetch needs --trust CA.pem: a fetched profile is used only when its signature verifies
mudcache-fetch = { $mac } announced the MUD URL { $url }, which could not be used: { $detail }

## Detection alerts
alerts-title = { $n ->
    [one] One alert
   *[other] { $n } alerts
}
alert-when = first evidence { $first }, alert raised { $raised } ({ $delay } s later), confidence { $confidence }%
alert-action-quarantine = Quarantine the device now (unplug it or move it to a guest/isolated network) so it cannot attack others.
alert-action-factory-reset = Reset it to factory settings: Mirai-style malware lives in memory and a restart alone lets it back in through the same password.
alert-action-update-firmware = Install the maker's latest firmware before reconnecting it.
alert-action-change-password = Set a new, long, unique password (never the default).
alert-action-close-port = Close the port forwarding or UPnP mapping that exposes it, and turn off remote administration you do not need.
alert-action-review = Check that this is something you set up; if not, treat the device as untrusted.
alert-scan-mirai-title = Mirai botnet scanning from { $device }
alert-scan-mirai-explain = { $device } is sending raw connection probes whose sequence number equals the address probed — the fingerprint of the Mirai botnet's scanner ({ $n } such probes; about { $targets } (± { $error } %) addresses tried). The device is almost certainly infected and is looking for other devices to break into.
alert-scan-horizontal-title = { $device } is scanning the Internet for other devices
alert-scan-horizontal-explain = { $device } tried to reach about { $targets } (± { $error } %) different addresses on the same service port ({ $items }) and almost none answered. Ordinary devices talk to a few servers; infected ones sweep address ranges looking for victims.
alert-scan-vertical-title = { $device } probed many ports of { $peer }
alert-scan-vertical-explain = { $device } tried { $n } different ports on { $peer } and was mostly refused: a port scan, looking for services to attack.
alert-scan-stealth-title = Stealth port scan from { $device }
alert-scan-stealth-explain = { $device } sent { $n } TCP probes with flag combinations no normal program uses (NULL, FIN, “Xmas”, SYN+FIN or SYN+RST probes). They are made by scanning and fingerprinting tools to find open ports and the system behind them while avoiding logs.
alert-scan-slow-title = { $device } is slowly scanning for other devices
alert-scan-slow-explain = { $device } tried to connect to about { $targets } (± { $error } %) different addresses over several minutes, spread over many ports, and almost none accepted. Bots scan like this — an address or two a second on the ports of cameras, routers and video recorders — to stay under the radar while they look for victims.
alert-scan-tool-title = { $device } is probing { $peer } with a scanning tool ({ $items })
alert-scan-tool-explain = { $device } sent { $n } requests to { $peer } (port { $port }) that name a tool made to find and test services for weaknesses ({ $items }). Unless you are testing your own network, a device running it has been taken over or is being used to attack.
alert-scan-arp-sweep-title = { $device } is sweeping the local network
alert-scan-arp-sweep-explain = { $device } asked the local network for the hardware address of about { $targets } (± { $error } %) different addresses within a minute, and almost none answered: it is listing which addresses are in use, the first step of an attack on the other devices here (network-scanning apps do the same).
alert-brute-force-outbound-title = { $device } is guessing passwords on { $peer }
alert-brute-force-outbound-explain = { $device } opened { $n } login sessions to { $peer } (port { $port }) in a short time, one after another: password guessing. An infected device does this to spread.
alert-brute-force-inbound-title = Someone is guessing the password of { $device }
alert-brute-force-inbound-explain = { $peer } opened { $n } login sessions to { $device } (port { $port }) in a short time, one after another: someone is trying passwords on it.
alert-brute-force-web-title = Repeated logins to the web page of { $device }
alert-brute-force-web-explain = { $peer } connected { $n } times to the web administration port { $port } of { $device } in a short time. This can be password guessing, or an app polling the device.
alert-flood-syn-title = { $device } is taking part in a SYN flood against { $peer }
alert-flood-syn-explain = { $device } opened up to { $n } connections per second to { $peer } without completing them — a SYN flood, a denial-of-service attack. Botnets use hijacked devices for exactly this.
alert-flood-ack-title = { $device } is taking part in an ACK flood against { $peer }
alert-flood-ack-explain = { $device } sent up to { $n } stray TCP acknowledgements per second to { $peer } that belong to no connection — an ACK flood, a denial-of-service attack.
alert-flood-udp-title = { $device } is flooding { $peer } with UDP
alert-flood-udp-explain = { $device } sent up to { $n } unanswered UDP packets (or new UDP flows) per second to { $peer } — a denial-of-service attack.
alert-flood-icmp-title = { $device } is flooding { $peer } with ICMP
alert-flood-icmp-explain = { $device } sent up to { $n } unanswered ICMP packets per second to { $peer } — a denial-of-service attack.
alert-flood-gre-title = { $device } is flooding { $peer } with GRE
alert-flood-gre-explain = { $device } sent up to { $n } unanswered GRE packets per second to { $peer }. Home devices have no reason to send GRE; Mirai uses GRE floods.
alert-flood-tcp-title = { $device } is flooding { $peer } over TCP
alert-flood-tcp-explain = { $device } sent up to { $n } TCP packets per second to { $peer } in a connection that was never opened properly and never answered — a denial-of-service attack.
alert-flood-other-title = { $device } is flooding { $peer }
alert-flood-other-explain = { $device } sent up to { $n } unanswered packets per second to { $peer } — a denial-of-service attack.
alert-flood-http-title = { $device } is taking part in an HTTP flood against { $peer }
alert-flood-http-explain = { $device } opened up to { $n } web connections per second to { $peer } — an HTTP flood, a denial-of-service attack on a web site.
alert-flood-dns-water-torture-title = { $device } is attacking the name servers of { $items }
alert-flood-dns-water-torture-explain = { $device } asked for { $n } different random names under { $items } within ten seconds, through { $peer }. This “water torture” attack overloads the domain's name servers (and the resolver on the way).
alert-c2-beacon-title = { $device } checks in regularly with { $peer }
alert-c2-beacon-explain = { $device } connected to { $peer } on port { $port } at a steady interval of about { $secs } s ({ $n } times). Malware checks in with its command server this way; some legitimate services do too.
alert-c2-heartbeat-title = { $device } keeps a command channel open to { $peer }
alert-c2-heartbeat-explain = { $device } keeps a connection open to { $peer } on port { $port } and exchanges a small message every { $secs } s with almost no variation ({ $n } times). That is how the Mirai botnet's bots wait for attack orders from their command server.
alert-c2-random-post-title = { $device } sent data to { $peer } the way malware checks in
alert-c2-random-post-explain = { $device } uploaded data to { $peer }, a server it reached by its bare address rather than a name, along a made-up random path ({ $n } times). Malware checks in with its command server like this, a fresh random path each time so that no two requests look alike; a few devices' own clouds are reached by address, so check what it is.
alert-c2-check-ins-title = { $device } keeps checking in with { $peer }
alert-c2-check-ins-explain = { $device } opened { $n } short connections to { $peer } on port { $port } over several minutes — ten a minute or more — each sending nearly the same request. Malware polls its command server like this for orders, at steady or deliberately irregular intervals; an ordinary device checks in with its cloud a few times an hour, or keeps one connection open.
alert-c2-dns-tunnel-title = { $device } is moving data through DNS ({ $items })
alert-c2-dns-tunnel-explain = { $device } asked for { $n } different text records under { $items } within minutes. Text records can carry anything, so malware loaders and tunnels use them to fetch code or commands past firewalls; ordinary devices rarely ask for them at all.
alert-c2-icmp-tunnel-title = { $device } is passing data through “ping” messages with { $peer }
alert-c2-icmp-tunnel-explain = { $device } and { $peer } exchange echo (“ping”) messages that carry data: { $peer } sent { $n } replies, far more than it was asked for, or the messages are much larger than a ping needs. Tunnelling tools hide a remote connection this way to slip past firewalls.
alert-blocklist-address-title = { $device } contacted a blocklisted address
alert-blocklist-address-explain = { $device } exchanged traffic with { $peer } (port { $port }), which is on the blocklist { $list } (entry { $entry }).
alert-blocklist-name-title = { $device } contacted a blocklisted host
alert-blocklist-name-explain = { $device } exchanged traffic with { $peer } (port { $port }); the name it looked up for that address is on the blocklist { $list } (entry { $entry }).
alert-blocklist-dns-title = { $device } looked up a blocklisted name
alert-blocklist-dns-explain = { $device } asked for { $peer }, which is on the blocklist { $list } (entry { $entry }).
alert-exposure-inbound-title = { $device } accepts connections from the Internet (port { $port })
alert-exposure-inbound-explain = Hosts on the Internet opened { $n } connections to { $device } on port { $port }. Anything that can reach it can try its password or its flaws; this is how Mirai found most of its victims.
alert-exposure-inbound-behind-title = Hosts reached through { $device } accept connections from the Internet (port { $port })
alert-exposure-inbound-behind-explain = Hosts on the Internet opened { $n } connections on port { $port } to { $items }. { $device } carries the traffic of several addresses, so these are hosts behind it (or { $device } answering on an Internet address of its own), not necessarily { $device } itself. Anything that can reach them can try their passwords or their flaws; this is how Mirai found most of its victims.
alert-exposure-upnp-port-mapping-title = { $device } asked the router to open a port
alert-exposure-upnp-port-mapping-explain = { $device } asked the router, through UPnP, to forward a port from the Internet to itself ({ $items }). That makes it reachable by anyone on the Internet.
alert-exposure-dns-bypass-title = { $device } bypasses your network's DNS
alert-exposure-dns-bypass-explain = { $device } sent DNS queries straight to { $peer } instead of the resolver your network provides, so your network's filtering and logging do not apply to it.
alert-exposure-encrypted-dns-title = { $device } uses encrypted DNS to a public resolver
alert-exposure-encrypted-dns-explain = { $device } talks to a public encrypted-DNS service ({ $peer }). Its lookups are hidden from your network, so blocklists and filtering there cannot see them.
alert-behaviour-change-new-destinations-title = { $device } started doing new things
alert-behaviour-change-new-destinations-explain = After its learning period, { $device } needed { $n } kinds of connection it had never made before (for example: { $items }). A firmware update can explain this; so can a compromise.
detect-error-syntax = --detect: “{ $setting }” is not NAME=VALUE (see iotgate analyze --help)
detect-error-key = --detect: there is no threshold named “{ $key }” (see iotgate analyze --help)
detect-error-value = --detect: “{ $value }” is not a valid value for { $key }
detect-help-head = Detection thresholds (set with --detect NAME=VALUE[,NAME=VALUE]; docs/detection.md explains each default):
blocklist-error-line = { $path }, line { $line }: “{ $text }” is not an address, network (CIDR) or host name
blocklist-error-size = { $path }: larger than { $max } MiB
detect-key-scan-window = seconds over which scan counters accumulate
detect-key-scan-slow-window = seconds over which a slow scan's distinct targets (TCP, any port) accumulate; twice scan-targets of them, mostly unanswered, is a scan
detect-key-scan-targets = distinct addresses tried on one port for a horizontal scan
detect-key-scan-ports = distinct ports tried on one host for a vertical scan
detect-key-scan-answered = largest share of probes answered that still counts as scanning (0-1)
detect-key-mirai-syns = raw SYNs with sequence number = destination address (Mirai) for an alert
detect-key-stealth-probes = NULL/FIN/Xmas TCP probes for an alert
detect-key-brute-sessions = login sessions from one source to one service within the window
detect-key-brute-http-sessions = sessions to a device's web port within the window (low severity)
detect-key-brute-window = brute-force window, seconds
detect-key-flood-syn = unanswered new connections per second to one victim (SYN flood)
detect-key-flood-ack = stray ACK flows per second to one victim (ACK flood)
detect-key-flood-udp-flows = new UDP flows per second to one victim
detect-key-flood-icmp-flows = new ICMP flows per second to one victim
detect-key-flood-http = completed web connections per second to one victim (HTTP flood)
detect-key-flood-pps = unanswered packets per second in one UDP or TCP flow
detect-key-flood-icmp-pps = unanswered packets per second in one ICMP or GRE flow
detect-key-flood-dns-names = distinct names under one domain within 10 s (DNS water torture)
detect-key-flood-baseline-x = a flood must also be this many times the device's usual rate
detect-key-beacon-min = regular intervals (or idle gaps) before a beacon is reported
detect-key-beacon-jitter = largest spread of a beacon's intervals, relative to the mean (0-1)
detect-key-beacon-min-interval = shortest beacon interval, seconds
detect-key-learn-window = behaviour-change learning window, seconds from a device's first flow
detect-key-change-new = new kinds of connection after the window for an alert
cli-detect = Tune detection: NAME=VALUE[,NAME=VALUE] (repeatable), or “off” to turn every detector off
cli-blocklist = A blocklist to match against (repeatable): one address, network (CIDR) or host name per line, or hosts-file lines; # starts a comment
cli-stress = Instead of a home network, write a stress capture from one device: random-scan (SYNs to random addresses and ports) or spoofed-syn-flood (SYNs to one victim from forged addresses)
sim-stress-done = wrote { $packets } stress packets ({ $bytes } bytes) to { $path }
cli-evaluate = Score the detectors against simulated attacks: precision, recall and delay per detector
cli-evaluate-long = Simulates one capture per seed (ten devices, one infected camera that scans like Mirai, keeps a command channel and floods a victim; planted weaknesses such as a UPnP mapping and a hard-coded resolver), analyses each with every detector and a blocklist naming the simulated command server, and compares the alerts with the simulator's ground truth. An alert is right when the device it names did what it reports. With --corpus DIR it scores real captures instead, against the alerts DIR/expected.tsv expects (found, missed, false alarms of medium or worse per kind, then one line per capture).{ "\u000A\u000A" }Examples:{ "\u000A" }  iotgate evaluate --seeds 1,2,3 --packets 400000{ "\u000A" }  iotgate evaluate --corpus ../shared/data/attacks
cli-eval-seeds = Simulator seeds, comma-separated
cli-eval-packets = Packets per simulated capture (long enough for the command channel's heartbeats: 400,000 is about 12 minutes)
cli-eval-corpus = Score the detectors on a labelled corpus of real captures instead: DIR holds the captures and expected.tsv (file, expect, attacker, victim); the simulator options are then ignored
eval-corpus-head = Detection on the labelled corpus { $dir } ({ $n } captures): an expected alert is found when one of its kind names the attacker (and the victim, when given); a false alarm is any other alert of medium severity or worse
eval-corpus-col-expect = expected
eval-corpus-col-captures = captures
eval-corpus-col-missed = missed
eval-corpus-col-false = false alarms (medium or worse)
eval-corpus-found = found
eval-corpus-missed = MISSED
eval-corpus-false = FALSE ALARM { $alerts }
eval-corpus-quiet = quiet
eval-corpus-info = not judged
eval-corpus-seen = alerts: { $alerts }
eval-corpus-bad-line = { $path }, line { $line }: { $problem }
eval-flow-head = Flow-mode detection against the simulated ISP’s ground truth — seeds { $seeds }, { $subscribers } subscribers each ({ $format } exports; { $devices } devices and { $packets } packets per home; 3 homes with a Mirai-infected camera, one of which floods, and 2 with the stealthier bot), scored by subscriber
cli-eval-netflow = Score flow mode instead: a simulated ISP per seed (--subscribers homes, --devices and --packets per home, defaults 6 and 60,000) exported as v9 or ipfix, run through the collector with its subscriber map, alerts scored by subscriber
eval-head = Detection against the simulator’s ground truth — seeds { $seeds }, { $packets } packets and { $devices } devices each (behaviour change with a { $window } s learning window: the simulated camera is infected 30 s after it joins)
eval-col-detector = detector
eval-col-planted = planted
eval-col-found = found
eval-col-alerts = alerts
eval-col-precision = precision
eval-col-recall = recall
eval-col-delay = slowest alert (s after start)
alert-scan-sweep-title = { $device } is sweeping the Internet on random ports
alert-scan-sweep-explain = { $device } tried to reach about { $targets } (± { $error } %) different addresses on ports all over the range, and almost none answered. No ordinary device does this: it is looking for victims or mapping networks.

## Labels (iotgate label)
label-title = Security label for { $device } — judged on { $date } from: { $sources }
label-source-capture = the capture
label-source-probe = a probe
label-source-declaration = the manufacturer's declaration
label-schemes = What the evidence says about each scheme (iotgate never awards an official label):
label-scheme = { $name } { $version }: { $verdict }
label-verdict-supported = the evidence supports it
label-verdict-contradicted = the evidence contradicts it
label-verdict-not-settled = not settled
label-counts = { $passed } passed, { $failed } failed, { $open } not assessed
label-failed-heading = What failed, and what you can do:
label-means = What it means:
with-detail = { $what }: { $detail }
label-todo = What you can do:
label-details-heading = Every requirement (✓ pass, ✗ fail, ? not assessed; M mandatory, Mc mandatory if it applies, R recommended):
label-ev-finding = { $finding } ({ $role }, with { $peer } port { $port }, { $count } { $count ->
    [one] time
   *[other] times
  })
label-role-client = the device connected
label-role-server = someone connected to the device
label-ev-no-cleartext-login = no password, token or key sent in clear in { $sessions } TCP sessions
label-ev-no-cleartext-data = no unencrypted data protocol, plain-HTTP request or readable unidentified data in { $sessions } TCP sessions ({ $protocols })
label-session-tls = TLS
label-session-ssh = SSH
label-session-http = HTTP
label-session-rtsp = RTSP
label-session-mqtt = MQTT
label-session-telnet = Telnet
label-session-text-command = FTP/mail commands
label-session-vnc = VNC
label-session-rdp = RDP
label-session-dns = DNS
label-session-unidentified-text = unidentified text
label-session-unidentified-binary = unidentified binary
label-ev-http-sessions = plain HTTP in { $sessions } TCP { $sessions ->
    [one] session
   *[other] sessions
  } of the device (sent or served)
label-ev-http = plain HTTP to { $servers } { $servers ->
    [one] server
   *[other] servers
  } ({ $flows } connections), e.g. { $first }
label-ev-tls = offers { $versions } to { $servers } { $servers ->
    [one] server
   *[other] servers
  }
label-ev-service = answers { $service } on port { $port } (to { $peer })
label-ev-alert = { $title } ({ $severity }, { $at })
label-ev-default-login = accepted a factory-default password on { $service } port { $port } (user { $user })
label-ev-declared = declared { $key } = { $value }
label-ev-support-ended = security updates ended on { $date }
label-ev-deemed = deemed met by { $reqs }
label-why-no-traffic = the capture shows no traffic from this device
label-sees-all = all TCP sessions with payload
label-sees = reads { $protocols }: a pass needs at least { $min }, the capture has { $sessions }
label-sees-fails-only = reads { $protocols }: it can show a problem, never its absence
label-why-scope = too little to judge: it reads { $protocols }, and a pass needs at least { $min } (the capture has { $sessions })
label-why-little-traffic = too little traffic to judge: { $sessions } TCP sessions in the capture, { $min } needed
label-why-unidentified = { $count } of the device's { $sessions } TCP sessions use protocols iotgate cannot identify, so it cannot say whether they are encrypted
label-why-nothing-open = the probe found no open service to read a banner from
label-why-no-tls = the device made no TLS connection in the capture
label-why-needs-probe = a capture only shows services someone used; a probe (iotgate probe) can list what answers
label-why-absence = nothing wrong was seen, but a capture cannot show it never happens
label-why-not-probed = no probe was run (add --probe ADDRESS)
label-why-defaults-refused = none of iotgate's factory-default passwords worked on { $services } { $services ->
    [one] service
   *[other] services
  }, which does not prove every unit has its own
label-why-not-declared = the manufacturer's declaration does not say (or none was given)
label-why-not-network-equipment = applies only to network equipment (routers, gateways); the device is not declared as one and the capture shows it relaying no traffic for others
label-why-lab = only an approved laboratory can assess this
label-why-documentation = the network cannot show this: it needs the manufacturer's documentation
label-why-no-check = iotgate has no check for this yet
label-why-includes = { $count } included { $count ->
    [one] requirement is
   *[other] requirements are
  } not assessed
label-why-lab-after = only an approved laboratory can assess this, after the requirements it builds on are met ({ $count } not yet)
label-tier-reached = the evidence supports level { $level }
label-tier-contradicted = the evidence contradicts level { $level }
label-tier-next = level { $level } waits for: { $reqs }
label-tier-next-lab = level { $level } needs an approved laboratory
label-weak-seen = { $count } { $count ->
    [one] weakness
   *[other] weaknesses
  } seen
label-weak-counts = { $failed } seen, { $passed } not seen, { $open } not assessed
label-weak-none = no weakness seen
label-weak-open = no weakness seen; { $open } not assessed
label-check-cleartext-login = Passwords sent without encryption
label-check-cleartext-login-means = Anyone on the same network, or on the path to the server, can read the password and log in as you.
label-check-cleartext-login-do = Turn off Telnet, FTP or plain-HTTP login in the device's settings; if you cannot, keep the device on a separate network and change its password.
label-check-cleartext-login-served = Logins to the device without encryption
label-check-cleartext-login-served-means = People log in to this device itself (Telnet, FTP, its web page) without encryption: anyone on the network can read the password and take it over.
label-check-cleartext-login-served-do = Turn off Telnet or FTP and use only the encrypted (HTTPS) page or the app; change the password; if you cannot, keep the device on a separate network.
label-check-login-service-cleartext = A login service without encryption
label-check-login-service-cleartext-means = The device answers on Telnet or FTP, which take the password in clear: anyone on the network can read it when someone logs in.
label-check-login-service-cleartext-do = Turn Telnet and FTP off in the device's settings; if they cannot be turned off, keep the device on a separate network.
label-check-cleartext-data = Data sent without encryption
label-check-cleartext-data-means = Video, messages or commands travel in clear: others on the network can watch or change them.
label-check-cleartext-data-do = Look for an "encrypted" or "secure" option (RTSPS, MQTT over TLS, HTTPS) and update the firmware; otherwise isolate the device.
label-check-cleartext-personal = Sensitive personal data sent without encryption
label-check-cleartext-personal-means = Tokens, serial numbers, network names, positions or video of your home travel in clear: anyone on the path can read them and learn who and where you are, or act as you.
label-check-cleartext-personal-do = Update the firmware and ask the maker to move these connections to HTTPS or another encrypted protocol; keep the device on a separate network meanwhile.
label-why-clear-not-personal = data travels in clear, but nothing shows whether it is sensitive personal data
label-check-tls-version = Up-to-date encryption (TLS 1.2 or newer)
label-check-tls-version-means = The device still offers encryption versions with known weaknesses, so its connections can be downgraded and read.
label-check-tls-version-do = Install the manufacturer's updates; if none remove the old versions, prefer a product that supports TLS 1.2 or newer only.
label-check-exposed-services = Risky services open to the network
label-check-exposed-services-means = The device answers on remote-login services botnets such as Mirai try first.
label-check-exposed-services-do = Disable the service in the settings, block it on your router, and make sure the password is not the factory one.
label-check-upnp-mapping = Opens ports on your router by itself
label-check-upnp-mapping-means = The device asked your router to let the Internet reach it directly, which exposes it to attacks.
label-check-upnp-mapping-do = Turn off UPnP on your router, or at least the device's remote-access option.
label-check-dns-bypass = Ignores your network's DNS settings
label-check-dns-bypass-means = The device sends its look-ups to a resolver of its own choosing, around your filters and privacy settings.
label-check-dns-bypass-do = Block outgoing DNS except to your own resolver on the router, and ask the manufacturer why.
label-check-compromise = Attack traffic from the device
label-check-compromise-means = The device behaves like a member of a botnet: it has probably been taken over.
label-check-compromise-do = Unplug it, reset it to factory settings, update it, set a new password, and watch it with iotgate afterwards.
label-check-default-credentials = Factory-default password accepted
label-check-default-credentials-means = Anyone who knows the published default password can take control of the device, as Mirai did with millions of cameras.
label-check-default-credentials-do = Change the password now, turn off the service if you do not use it, and prefer devices that force a unique password.
label-check-default-credentials-ask = Does every unit come with its own password, or make me set one before first use?
label-check-declared-password = Unique or user-set passwords (declared)
label-check-declared-password-means = The manufacturer states that every unit ships with the same password.
label-check-declared-password-do = Change it before connecting the device, and choose products that do not share passwords.
label-check-declared-password-ask = Is the default password the same for every unit of this model?
label-check-declared-disclosure = A way to report security problems (declared)
label-check-declared-disclosure-means = Nobody can tell the manufacturer about a flaw, so flaws are less likely to be fixed.
label-check-declared-disclosure-do = Prefer manufacturers that publish a vulnerability disclosure policy.
label-check-declared-disclosure-ask = Where can security problems be reported, and does the manufacturer answer?
label-check-declared-support-period = Security updates promised until a date (declared)
label-check-declared-support-period-means = The device gets no security updates any more, or no end date is promised: new flaws will stay open.
label-check-declared-support-period-do = Replace a device whose support has ended, or keep it on an isolated network.
label-check-declared-support-period-ask = Until what date will this device receive security updates?
label-check-declared-updates = Software can be updated (declared)
label-check-declared-updates-means = The device's software cannot be updated: flaws found later can never be fixed.
label-check-declared-updates-do = Prefer products that can be updated; isolate this one.
label-check-declared-updates-ask = Can the software be updated, and how?
label-check-declared-automatic-updates = Automatic updates (declared)
label-check-declared-automatic-updates-means = Updates wait for you to install them, so many devices stay vulnerable.
label-check-declared-automatic-updates-do = Check for updates regularly in the app or web page.
label-check-declared-automatic-updates-ask = Are security updates installed automatically?
label-check-declared-signed-updates = Updates checked for authenticity (declared)
label-check-declared-signed-updates-means = The device installs updates without checking who made them: a forged update could take it over.
label-check-declared-signed-updates-do = Only update from the manufacturer's official app or site, and prefer products that sign their updates.
label-check-declared-signed-updates-ask = Does the device check a signature on each update before installing it?
label-check-declared-data = Data practices published (declared)
label-check-declared-data-means = You cannot find out what personal data the device collects or who gets it.
label-check-declared-data-do = Ask the manufacturer, and limit what you connect the device to.
label-check-declared-data-ask = What data does the device collect, where is it stored, and is it shared or sold?
label-check-declared-held-label = A current CLS or JC-STAR label (declared)
label-check-declared-held-label-means = Under UK law (SI 2025/1267) a product holding a current Singapore CLS label or Japanese JC-STAR STAR-1 label is deemed to meet the UK PSTI security requirements.
label-check-declared-held-label-do = Check the label on the scheme's public register before relying on it.
label-check-declared-held-label-ask = Does the product hold a current Singapore CLS or Japanese JC-STAR label, and until when?
label-held-cls = Singapore CLS level { $level } label, valid until { $expires }
label-held-jc-star = JC-STAR STAR-{ $level } label, valid until { $expires }
label-why-label-expired = the labels declared have expired: { $labels }
label-check-declared-sbom = Software bill of materials (declared)
label-check-declared-sbom-means = Nobody can check whether the device contains software with known flaws.
label-check-declared-sbom-do = Prefer manufacturers that publish the list of software components.
label-check-declared-sbom-ask = Is the list of software components (SBOM) published?
label-checklist-title = Questions to ask before you buy a connected device:
label-checklist-footer = Write the answers into a declaration file (see docs/labels.md) and run iotgate label --declaration FILE: the answers then count in the label.
label-err-no-device = no device { $mac } in the capture (devices seen: { $seen })
label-err-bad-mac = { $mac } is not a MAC address (expected aa:bb:cc:dd:ee:ff)
label-err-need-capture = give at least one capture (--capture FILE) and --device MAC, or --checklist
label-err-too-big = { $file }: larger than { $limit } bytes; a declaration is a short text file
label-err-not-text = { $file }: not UTF-8 text (byte { $offset })
label-err-bad-date = --date { $date } is not a date (YYYY-MM-DD)
cli-label-about = Assess a device against several security frameworks at once (ETSI EN 303 645, UK PSTI, NISTIR 8425, Singapore CLS, EU CRA, EN 18031-1, OWASP IoT Top 10) from a capture and, optionally, the manufacturer's declaration, and explain the result.
cli-label-long = Builds a security label for one device: every requirement of ETSI EN 303 645, UK PSTI, NISTIR 8425, Singapore CLS, the EU Cyber Resilience Act, EN 18031-1 and the OWASP IoT Top 10 as pass, fail or not assessed, with the evidence, a verdict per scheme, and what each failure means for you and what you can do. The capture shows what the device does on the network; the manufacturer's declaration answers what the network cannot show (docs/labels.md). iotgate never awards an official label.{ "\u000A\u000A" }Examples:{ "\u000A" }  iotgate label --capture home.pcap --device 50:c7:bf:0f:ae:cc{ "\u000A" }  iotgate label -c home.pcap -d 50:c7:bf:0f:ae:cc --declaration plug.toml --format json{ "\u000A" }  iotgate label --checklist
cli-label-capture = Capture(s) where the device talks (repeatable).
cli-label-device = The device's MAC address.
cli-label-declaration = The manufacturer's declaration (TOML; docs/labels.md): support period, disclosure policy, updates, passwords, data practices, SBOM.
cli-label-checklist = Print the questions to ask before buying a device, and exit.
cli-label-format = Output: text (default) or json.
cli-label-date = Judge on this date instead of today (YYYY-MM-DD), for reproducible labels.

## Probe (iotgate probe)
probe-warning = probing { $address }: { $ports } TCP ports, at most { $rate } connections a second, and a short list of factory-default passwords. Only probe devices you own or are allowed to test.
probe-progress = port { $port }: { $step }
probe-title = Probe of { $address } ({ $attempts } connections):
probe-nothing-open = no port answered
probe-accepted = ✗ { $service } on port { $port } accepted a factory-default password (user { $user }): anyone can log in. Stopped there.
probe-anonymous = ✗ { $service } on port { $port } lets anyone connect without a password
probe-refused = ✓ { $service } on port { $port } refused every factory-default password tried
probe-err-none = give the one address to probe (iotgate probe ADDRESS); iotgate never picks targets itself
probe-err-range = { $target } is a range: iotgate probes one device, at one address you name
probe-err-address = { $target } is not an IP address (a device's address, e.g. 192.168.1.20)
probe-err-not-one = { $target } is not one device's address (unspecified, broadcast or multicast)
cli-probe-about = Check one device you own: open services, what they announce, and whether a factory-default password works
cli-probe-long = Connects to the TCP ports of common IoT services (FTP, SSH, Telnet, HTTP, HTTPS, RTSP, MQTT, adb, TR-069) on the one address you give, at most --rate connections a second, records what each service announces, and tries a short built-in list of factory-default passwords on Telnet, SSH, HTTP Basic, FTP and MQTT, stopping at the first that works. It never scans a range and never picks a target itself. Only probe devices you own or are allowed to test.{ "\u000A\u000A" }Examples:{ "\u000A" }  iotgate probe 192.168.1.20{ "\u000A" }  iotgate label --capture home.pcap --device 50:c7:bf:0f:ae:cc --probe 192.168.1.20
cli-probe-address = The one device's IP address (no ranges, no names)
cli-probe-rate = Most new connections per second (1-100)
cli-label-probe = Also probe the device at this address (see iotgate probe --help): open services, banners, factory-default passwords
label-ev-service-open = { $service } open on port { $port }
label-ev-no-risky-service = no Telnet, FTP, adb or TR-069 open (open: { $open })
label-ev-banner = { $service } on port { $port } announces { $banner }
label-ev-no-version = no version number in what { $open } open { $open ->
    [one] service announces
   *[other] services announce
  }
label-ev-anonymous = { $service } on port { $port } lets anyone connect without a password
label-check-banner-disclosure = Announces its software versions
label-check-banner-disclosure-means = Anyone on the network learns exactly which software versions run on the device, and so which published flaws to try.
label-check-banner-disclosure-do = Keep the firmware up to date; ask the manufacturer to stop announcing versions.
label-check-unauthenticated-access = Control without a password
label-check-unauthenticated-access-means = A service of the device accepts anyone without a password: others on the network can read its messages or send it commands.
label-check-unauthenticated-access-do = Turn on authentication in the device's settings, or block the service on your network.

## The label's primary layer (SVG) and detail page (HTML)
svg-title = Security label
svg-updates = Security updates
svg-updates-until = promised until { $date }
svg-updates-ended = ended on { $date }
svg-updates-none = none promised
svg-updates-unknown = not stated by the maker
svg-password = Default password
svg-password-accepted = factory password works: change it!
svg-password-shared = the same on every unit
svg-password-unique = unique to each unit
svg-password-user-set = you choose it at set-up
svg-password-none = no password login
svg-password-unknown = not checked
svg-encryption = Encryption
svg-enc-passwords-clear = sends passwords unencrypted
svg-enc-data-clear = sends data unencrypted
svg-enc-legacy = outdated (below TLS 1.2)
svg-enc-good = encrypted (TLS 1.2 or newer)
svg-enc-unknown = not seen
svg-data = Your data
svg-data-bypass = bypasses your network's DNS
svg-data-published = privacy notice published
svg-data-none = no privacy notice
svg-data-unknown = not stated by the maker
svg-attacks = Attacks from the device
svg-attacks-seen = seen: it is probably hacked
svg-attacks-not-seen = none seen in this capture
svg-scan = Scan for details
svg-scan-sub = every requirement, evidence, advice
svg-footer = Checked by iotgate on { $date } from evidence — not an official certification.
svg-verdict-supported = supported
svg-verdict-contradicted = contradicted
svg-verdict-not-settled = not settled
svg-tier-reached = level { $level }
svg-tier-contradicted = level { $level } not met
svg-weak-seen = { $count } { $count ->
    [one] weakness
   *[other] weaknesses
  }
svg-weak-none = none seen
svg-weak-open = none seen, { $open } open
html-label-sub = { $mac } · { $kind } · checked on { $date } from { $sources }
html-label-schemes = What the evidence says about each scheme
html-label-not-official = iotgate reports what the evidence supports or contradicts; only each scheme's own process awards its label.
html-label-nothing-failed = Nothing failed in the evidence iotgate had.
html-label-ask = Ask the manufacturer
html-label-col-id = ID
html-label-col-requirement = Requirement
html-label-col-result = Result
html-label-col-evidence = Evidence, or why it was not assessed
label-reading-pass = pass
label-reading-fail = fail
label-reading-not-assessed = not assessed
label-reading-lab-only = laboratory only
label-reading-weakness-seen = weakness seen
label-reading-weakness-not-seen = not seen
label-reading-not-applicable = not applicable
html-label-footer = Made by iotgate from a network capture, an optional probe and the manufacturer's declaration. Requirement titles are short summaries; the standards are authoritative.
cli-label-svg = Write the label (the part for the box: updates, password, encryption, data, schemes) as SVG to this file
cli-label-html = Write the detail page (every requirement, evidence, advice) as one HTML file
cli-label-url = Where the detail page will be published: the label's QR code points there (default: the HTML file's name)
label-wrote = wrote { $path }
cli-label-mud = The device's MUD profile (RFC 8520): its support status and SBOM count as the maker's word, and the capture is audited against it
label-mud-sbom-local = served by the device itself
label-source-mud = its MUD profile
label-ev-mud-unsupported = its MUD profile ({ $source }) says the maker no longer supports it
label-ev-mud-sbom = the MUD profile points to its SBOM: { $sbom }
label-ev-mud-kept = all { $flows } flows kept to its MUD profile
label-ev-mud-violation = { $proto } to { $remote } port { $port } is not in its MUD profile ({ $flows } flows)
label-why-no-mud = no MUD profile was given (--mud FILE)
label-why-mud-supported = the MUD profile does not say until when it is supported
label-why-mud-no-sbom = the MUD profile does not point to an SBOM
label-check-mud-supported = Still supported (MUD profile)
label-check-mud-supported-means = The manufacturer itself declares the device unsupported: no more security fixes will come.
label-check-mud-supported-do = Plan to replace it; until then keep it on a separate network.
label-check-mud-sbom = Software bill of materials (MUD profile)
label-check-mud-sbom-means = The MUD profile points nowhere for the list of software components.
label-check-mud-sbom-do = Ask the manufacturer to publish an SBOM (RFC 9472 lets the MUD profile point to it).
label-check-mud-conformance = Keeps to its declared behaviour (MUD)
label-check-mud-conformance-means = The device talks to destinations its own maker did not declare: a sign of extra features, misconfiguration, or compromise.
label-check-mud-conformance-do = Look at the destinations listed; enforce the profile on your router (iotgate mud enforce) so only declared traffic passes.
label-ev-weak-suites = offers broken cipher suites: { $suites }
label-ev-suites-ok = no broken cipher suite in its { $hellos } TLS { $hellos ->
    [one] fingerprint
   *[other] fingerprints
  }
label-ev-update-clear = fetches from update server { $server } without encryption (port { $port })
label-ev-update-tls = checks update server { $server } over TLS ({ $flows } connections)
label-why-no-update = no connection to a server named for updates in the capture
label-check-tls-suites = No broken cipher suites
label-check-tls-suites-means = The device still offers encryption methods that are known to be breakable (RC4, DES, 3DES, export-grade or none at all); a server or attacker can pick them.
label-check-tls-suites-do = Update the firmware; if the manufacturer does not remove them, prefer another product.
label-check-update-channel = Updates over an encrypted channel
label-check-update-channel-means = The device downloads from its update server without encryption: someone on the path could hand it malicious software.
label-check-update-channel-do = Update only through the official app, keep the device on a network you control, and ask the manufacturer for HTTPS updates.
label-check-mud-supported-ask = Does the manufacturer publish a MUD profile (RFC 8520) for it, so that your router lets through only what it needs?
label-topic-passwords = Passwords and logins
label-topic-passwords-means = Weak or shared passwords are how botnets such as Mirai took over millions of cameras and routers.
label-topic-passwords-do = Give the device a strong password of its own and turn off remote logins you do not use.
label-topic-vulnerability-reporting = Reporting security problems
label-topic-vulnerability-reporting-means = Researchers who find a flaw need a way to tell the maker, or it is less likely to be fixed.
label-topic-vulnerability-reporting-do = Before buying, look on the maker's website for a security contact or disclosure policy.
label-topic-updates = Security updates
label-topic-updates-means = Flaws are found in every product; only updates fix them, and only if they reach the device safely.
label-topic-updates-do = Turn on automatic updates and install the ones the app offers.
label-topic-support-period = How long updates last
label-topic-support-period-means = When the support period ends, new flaws stay open for as long as you use the device.
label-topic-support-period-do = Prefer devices with a published end date far ahead; replace or isolate those past it.
label-topic-secrets = Keys and secrets inside the device
label-topic-secrets-means = Keys and passwords stored carelessly in the device can be extracted and used against every unit of the model.
label-topic-secrets-do = You cannot check this yourself: ask the maker how secrets are protected, or look for a tested label.
label-topic-communication = Encryption of what it sends
label-topic-communication-means = Without strong encryption, others on the network or on the way to the cloud can read or change what the device sends.
label-topic-communication-do = Keep the firmware updated and the device on a network you trust.
label-topic-interfaces = Open doors: services and access
label-topic-interfaces-means = Every service the device opens to the network is a door an attacker can try.
label-topic-interfaces-do = Turn off features and remote access you do not use, and block them on your router.
label-topic-integrity = Resistance to tampering
label-topic-integrity-means = The device should refuse tampered software and malformed input instead of running it.
label-topic-integrity-do = Only install software from the maker and keep it up to date.
label-topic-privacy = Your personal data
label-topic-privacy-means = The device may collect data about you and your home and send it elsewhere.
label-topic-privacy-do = Read the privacy notice, turn off sharing you do not want, and ask what is collected.
label-topic-resilience = Working through outages and attacks
label-topic-resilience-means = A device that stops when the Internet or power drops can leave you without heating, locks or alarms.
label-topic-resilience-do = Check whether it works locally and reconnects by itself after an outage.
label-topic-deletion = Removing your data
label-topic-deletion-means = When you sell or throw away the device, your data and accounts may stay on it or in the cloud.
label-topic-deletion-do = Learn how to reset it and delete your cloud account before giving it away.
label-topic-setup = Secure set-up and information
label-topic-setup-means = Secure settings only help if you can find, understand and check them.
label-topic-setup-do = Follow the maker's security guidance and check the settings after installing.
label-topic-monitoring = Noticing attacks
label-topic-monitoring-means = The device, or something watching it, should notice and report attacks.
label-topic-monitoring-do = Watch it with a tool such as iotgate, which looks at its traffic for you.
label-topic-vulnerabilities = Known flaws in its parts
label-topic-vulnerabilities-means = Devices built from outdated components inherit their published flaws.
label-topic-vulnerabilities-do = Prefer makers who publish a list of software components and fix flaws quickly.
label-topic-lab = Expert testing
label-topic-lab-means = Only a laboratory's analysis or penetration test can show this.
label-topic-lab-do = Look for an official label from a scheme that tested the device.
label-topic-scheme-level = A level of a labelling scheme
label-topic-scheme-level-means = This level bundles the requirements listed with it; it holds only if they all do.
label-topic-scheme-level-do = Look at the requirements it includes to see what is missing.
html-label-why = Why it matters
label-assessed-heading = Requirements the evidence settles (✓ pass, ✗ fail; M mandatory, Mc mandatory if it applies, R recommended; --all lists the others too):
label-open-count = and { $count } not assessed (--all lists them with the reason, --html explains each)
cli-label-all = In the terminal report, list every requirement, also those not assessed, with the reason

## Inputs that are not capture files, folder scans, bounded reads (issue 16).
arg-not-regular = { $path } is { $kind ->
    [fifo] a pipe (FIFO)
    [socket] a socket
    [char] a character device
    [block] a block device
   *[other] not a regular file
  }, not a capture file: iotgate reads capture files and folders, and streams only on standard input, as in: iotgate analyze - < { $path }
scan-skipped = { $path }: skipped, { $why }
scan-why-not-regular = { $kind ->
    [fifo] a pipe (FIFO), not a file: reading it could wait forever
    [socket] a socket, not a file
    [char] a character device, not a file
    [block] a block device, not a file
   *[other] not a regular file
  }
scan-why-empty = empty file
scan-why-compressed = compressed ({ $format }): decompress it to analyse it
scan-why-unreadable = cannot be read: { $error }
scan-why-already-scanned = a folder already scanned, reached again through a link
scan-why-same-file = the same file as { $other }, reached through a link
scan-why-too-deep = more than { $depth } folders deep
scan-skipped-unlisted = { $path }: { $n } more entries skipped, not listed
scan-not-captures = { $path }: { $n ->
    [one] one file is not a pcap or pcapng capture and was skipped
   *[other] { $n } files are not pcap or pcapng captures and were skipped
  } (such as { $example })
file-too-large = { $path }: the file is { $bytes } bytes; at most { $limit } bytes are read
file-larger-than = { $path }: more than { $limit } bytes, the most that is read
sim-too-many-devices = “{ $value }” is not a number of devices from 1 to { $max }: the simulated home network is one /24, with devices at 192.168.1.20 to 192.168.1.219
mud-duplicate-key = the member “{ $field }” appears more than once in this object; JSON readers disagree on which one counts
url-not-https = the MUD URL “{ $url }” does not start with https://
url-no-host = the MUD URL “{ $url }” names no host after https://
url-bad-host = the host of the MUD URL “{ $url }” has characters a cache folder cannot be named with (letters, digits and - . _ ~ : only)
url-no-file = the MUD URL “{ $url }” names no file after its host (it ends at the host or with /)
url-bad-segment = the MUD URL “{ $url }” has a path part, “{ $segment }”, that cannot name a file in the cache (letters, digits and - . _ ~ : only; not . or ..)
url-scheme-case = the MUD URL “{ $url }” starts with https:// in capitals; write the scheme in lower case (https://) so that it names a cache file

## iotgate serve: the dashboard
serve-nav-devices = Devices
serve-nav-alerts = Alerts
serve-nav-actions = Actions taken
serve-logout = Sign out
serve-login = Sign in
serve-user-name = User name
serve-password = Password
serve-no-devices = No device seen yet. Devices appear here as soon as they send anything.
serve-col-device = Device
serve-col-kind = Kind
serve-col-vendor = Maker
serve-col-addresses = Addresses
serve-col-last-seen = Last seen
serve-col-first-seen = First seen
serve-col-alerts = Alerts
serve-col-macs = Hardware addresses (MAC)
serve-col-names = Names
serve-col-tls = Secure servers it contacts
serve-col-agents = Software it announces
serve-col-domains = Names it looked up
serve-why-kind = Why this kind
serve-open-alerts = { $count ->
    [one] 1 open alert
   *[other] { $count } open alerts
}
serve-findings = What the traffic shows
serve-no-alerts = No alert. Nothing has behaved like an attack or an infection.
serve-ack = Acknowledge
serve-acked-by = Acknowledged by { $who } at { $at }
serve-mute = Mute this kind of alert on this device
serve-for-hours = { $hours ->
    [one] for 1 hour
   *[other] for { $hours } hours
}
serve-for-good = for good
serve-no-actions = Nothing done yet.
serve-action-ack = acknowledged an alert
serve-action-mute = muted alerts
serve-action-quarantine = quarantined the device
serve-action-release = released the device
serve-setup-title = First run: create the first user
serve-setup-intro = Nobody can use this dashboard yet. Choose a user name and a password (at least 10 characters); you will be signed in.
serve-create-user = Create the user
serve-setup-needed = No user exists yet. Open the one-time setup link iotgate printed when it started, or add a user with: iotgate user add NAME --db PATH
serve-error-internal = Something went wrong on the gateway. It has been logged; try again.
serve-error-no-device = No such device.
serve-error-no-alert = No such alert.
serve-error-csrf = This request did not come from one of the dashboard's own pages, so it was refused. Reload the page and try again.
serve-error-bad-form = The form was not filled in as expected.
serve-error-too-many = Too many sign-in attempts from your address. Wait a minute.
serve-error-bad-login = Wrong user name or password.
serve-error-locked = This account is locked for 15 minutes after too many wrong passwords.
serve-error-setup-link = This setup link is not valid (it works once, while no user exists).
serve-error-user-exists = That user name is taken.
serve-error-not-found = There is no such page.
serve-error-bad-name = A user name has 1 to 64 characters, without spaces.
serve-error-short-password = A password has at least 10 characters.
serve-api-unauthorized = A valid API token is needed: Authorization: Bearer TOKEN (create one with iotgate token create).
serve-api-internal = The gateway could not answer; try again.
serve-api-bad-mac = Not a MAC address: write it as aa:bb:cc:dd:ee:ff.
serve-api-no-device = No device has used this MAC address.
serve-api-bad-limit = limit must be a whole number from 1 to 10000.
serve-err-db-open = cannot open the database { $path }: { $detail }
serve-err-db-damaged = the database { $path } is damaged ({ $detail }); restore a copy or move it away to start afresh
serve-err-db-newer = the database { $path } was written by a newer iotgate (schema { $found }); use that version
serve-err-db = database error: { $detail }
serve-err-listen = cannot listen on { $addr }: { $error }
serve-err-runtime = cannot start the server: { $error }
serve-setup-link = no user yet: open { $url } to create the first one (the link works once)
serve-listening = dashboard on { $url }
cli-serve-about = The home gateway: live inventory and alerts, kept in a database, shown on a dashboard
cli-serve-long = Runs the analysis on a live interface (-i), or on a capture replayed as if live (--replay, --demo), writes devices and alerts to a SQLite database every few seconds, and serves a dashboard and a JSON API (docs/serve.md). On the first run it prints a one-time link to create the first user; `iotgate user add` does it without a browser, and `iotgate token create` makes API tokens. Stop it with Ctrl-C.{ "\u000A\u000A" }Examples:{ "\u000A" }  iotgate serve --demo{ "\u000A" }  iotgate serve --replay home.pcap --speed 10 --db home.db{ "\u000A" }  sudo iotgate serve -i br-lan --db /var/lib/iotgate/iotgate.db
cli-serve-interface = Capture live on this interface (needs root or CAP_NET_RAW)
cli-serve-replay = Play this capture as if it were live traffic
cli-serve-demo = Simulate a home network with an infected camera and play it (with a database of its own, removed when it stops, unless --db is given)
cli-serve-speed = Replay at N times the capture's own pace (0: as fast as it can be read)
cli-serve-db = The database (default: ~/.local/share/iotgate/iotgate.db, created if missing)
cli-serve-listen = Address of the dashboard (default: loopback only; put a TLS proxy in front to reach it from elsewhere)
cli-serve-retention = Days alerts and actions are kept
cli-serve-secure-cookies = Mark session cookies Secure (the dashboard is reached over HTTPS through a proxy)
cli-user-about = Dashboard users
cli-user-add-about = Add a dashboard user; the password is read from standard input
cli-user-add-long = Adds a user who can sign in to the dashboard of `iotgate serve`. The password (at least 10 characters) is read from the first line of standard input, so that it never appears in the process list or the shell's history.{ "\u000A\u000A" }Example:{ "\u000A" }  printf '%s\n' "$PASSWORD" | iotgate user add alice --db home.db
cli-user-name = The user's name (1 to 64 characters, no spaces)
cli-user-lang = The user's language on the dashboard
cli-token-about = API tokens
cli-token-create-about = Create a bearer token for the JSON API (/api/v1/); it is printed once
cli-token-name = A name to recognise the token by in the action log
serve-demo = demo: a simulated home network with an infected camera is played at its own pace
serve-user-added = user { $name } added to { $db }
serve-token-once = the token below is shown only this once; the database keeps only its hash
serve-err-stdin = cannot read the password from standard input: { $error }
serve-metric-iotgate_packets_total = Packets analysed.
serve-metric-iotgate_flows_total = Flows seen.
serve-metric-iotgate_devices = Devices in the inventory.
serve-metric-iotgate_alerts = Alerts in force, by severity.
serve-metric-iotgate_dropped_total = What the analysis's bounds left out: MACs beyond the inventory's size, flows evicted from a full table, first messages read segment by segment, undecodable frames, frames the kernel dropped because the analysis fell behind (live capture).
serve-metric-iotgate_snapshots_total = Snapshots written to the database.
serve-metric-iotgate_database_bytes = Size of the database.
serve-page-of = { $from }–{ $to } of { $total }
serve-newer = ← more recently seen
serve-older = less recently seen →
serve-api-bad-page = offset and limit must be whole numbers (limit from 1 to 5000).
serve-merged = Known under several MACs
serve-split = { $mac } is another device
serve-action-merge = recognised a device under a new MAC
serve-action-split = split a MAC off into a device of its own
serve-error-no-split = This MAC is the device's only one: there is nothing to split.
cli-serve-webhook = POST each new alert of medium severity or worse (unless muted) as JSON to this URL (https://, or http:// to this machine)
serve-err-webhook-https = the webhook { $url } must use https:// (plain http:// only to this machine): alerts say what is wrong on your network
serve-err-webhook-url = the webhook { $url } is not a URL
serve-nav-settings = Settings
serve-held = in quarantine
serve-quarantine = Quarantine
serve-held-since = In quarantine since { $at }, by { $who }: { $reason }.
serve-not-enforced = Not enforced: iotgate runs without --enforce, so this quarantine is a recommendation on record; the device's traffic is not blocked.
serve-enforce-failed = The firewall rules could not be put in force: { $error }
serve-reason = Reason
serve-release = Release
serve-quarantine-what = In quarantine, a device can still look up names, get an address (DHCP) and set its clock (NTP), and reach the names listed below (its update servers); it can reach nothing else, neither the Internet nor the other devices at home, and nobody can reach it.
serve-quarantine-do = Put in quarantine
serve-allow-names = Names it may still reach in quarantine (its update servers), one per line
serve-save = Save
serve-set-auto = Put a device in quarantine by itself (unless that kind of alert is muted for it)
serve-set-release = Release a device after this many hours without a new alert (0: only by hand)
serve-set-resolvers = DNS servers a device in quarantine may still ask, besides this gateway (addresses, separated by spaces)
serve-error-bad-names = Each line must be a DNS name (letters, digits, - and _ between dots), at most 64 names.
serve-error-bad-hours = The hours before a release must be a number from 0 to 8760.
serve-error-bad-resolvers = DNS servers must be IP addresses (at most 16), separated by spaces.
serve-api-bad-body = The body must be empty or a JSON object with "reason" (text) and, for a quarantine, "allow" (a list of DNS names).
serve-api-bad-names = "allow" must list DNS names (at most 64).
serve-action-allow = set the names it may reach in quarantine
serve-action-settings = changed the settings
serve-err-enforce = cannot put the firewall rules in force (--enforce needs nftables and root or CAP_NET_ADMIN): { $error }
cli-serve-enforce = Act: put quarantines in force with nftables (needs -i, root or CAP_NET_ADMIN); without it, quarantines are recorded as recommendations
serve-metric-iotgate_quarantined = Devices in quarantine (in force with --enforce, recommended without).
serve-mud = MUD profile (what the maker says it needs on the network)
serve-mud-held = Held to { $url }, { $source } by { $who } at { $at }.
serve-mud-source-operator = given
serve-mud-source-fetched = fetched from the address the device announced
serve-mud-not-enforced = Not enforced: iotgate runs without --enforce, so the profile is only compared with what the device does.
serve-mud-names = Names it declares:
serve-mud-observed = What it did, against its profile
serve-mud-declared = declared
serve-mud-undeclared = not in its profile
serve-mud-clear = Stop holding it to this profile
serve-mud-none = No MUD profile. Paste one (JSON, RFC 8520) to hold this device to what its maker declares: with --enforce, it may then reach only that.
serve-mud-set = Hold it to this profile
serve-error-bad-mud = This MUD profile cannot be used
serve-api-bad-mud = This MUD profile cannot be used; "problems" lists each problem at its JSON path.
serve-action-mud = held the device to a MUD profile
serve-action-mud-clear = stopped holding the device to its MUD profile
serve-set-auto-off = no, only by hand
serve-set-auto-high = yes, on its first high-severity alert
serve-set-mud-trust = Certificates MUD profiles must be signed under (PEM). While empty, the MUD files devices announce are not fetched; once set, they are fetched over HTTPS, and kept only when their signature verifies.
serve-set-mud-tls-roots = Certificates trusted for the MUD servers' HTTPS, besides this system's (PEM, optional)
serve-error-bad-pem = The certificates must be PEM text (-----BEGIN CERTIFICATE----- …), at least one.
serve-action-mud-fetch-failed = could not fetch or verify the MUD profile the device announced
serve-set-notify = Notifications
serve-set-webhook = Webhook: new alerts of medium severity or worse (not muted) are POSTed as JSON to this address (https://, or http:// to this machine; --webhook on the command line takes precedence)
serve-error-bad-webhook = The webhook must be an https:// address (plain http:// only to this machine).
serve-set-detect = Detection
serve-set-thresholds = Detector thresholds, NAME=VALUE one per line (the names of --detect, docs/detection.md; the command line wins on a threshold both set). A change restarts the analysis with them; what is stored stays.
serve-set-blocklist = Blocklist: addresses, networks and domain names of command-and-control servers, one per line (# for comments; the format of --blocklist files, which add to it)
serve-error-bad-threshold = This threshold cannot be used (unknown name, or not NAME=VALUE with a number in range)
serve-error-bad-blocklist = This blocklist line is neither an address, a network nor a domain name
serve-label = Security label (from what its traffic shows; iotgate label adds a probe and the maker's declaration)
serve-label-wait = The label is being made from the latest traffic; it shows here in a few seconds.
cli-collect-about = ISP mode: flow exports (NetFlow v5/v9, IPFIX, sFlow) in, the subscribers whose devices attack out
cli-collect-long = Reads the export packets routers send (NetFlow v5, v9, IPFIX, sFlow v5) from a UDP socket (--listen) or a capture of them (--replay), decodes them with the templates each exporter sent (kept per exporter and observation domain, bounded), and runs the detectors on the records per subscriber: scanning, password guessing, floods, command channels, blocklists. A subscriber is who the map given with --subscribers says is behind an address (CGNAT port blocks included); without a map, every address inside --customers (by default the private, CGNAT and unique-local ranges) is a subscriber of its own. No flow is stored: only each subscriber's detector state. With --records json it prints one JSON object per flow record instead, in arrival order: exporter, src_addr, dst_addr, src_port, dst_port, proto, packets, bytes, start, end, tcp_flags, and sampling when the exporter declares it (counts as exported).{ "\u000A\u000A" }Example:{ "\u000A" }  iotgate collect --listen udp://0.0.0.0:2055 --subscribers subscribers.txt{ "\u000A" }  iotgate collect --replay exports.pcap --format json{ "\u000A" }  iotgate collect --replay exports.pcap --records json
cli-collect-replay = A capture of export packets (pcap or pcapng) to read
cli-collect-records = Print every flow record (json: one object per line); without it, only the counts
collect-summary = { $packets } export packets, { $records } flow records; { $malformed } unreadable, { $notemplate } data sets without their template, { $templates } templates kept, { $other } other frames
collect-pairing = { $paired } conversations paired (both directions), { $alone } records alone (no reverse within the wait), { $crowded } let go early (pairing table full)
cli-collect-format = Without --records: the report (alerts from the detectors run on the records) as text or json
cli-collect-listen = Receive exports on this UDP address (udp://0.0.0.0:2055), until Ctrl-C or --for
cli-collect-rcvbuf = The socket's receive buffer in bytes (what the kernel keeps while a burst is decoded; it may grant less)
cli-collect-for = With --listen: stop after this many seconds
collect-listening = receiving flow exports on udp://{ $addr } ({ $sockets } sockets; Ctrl-C ends and reports)
cli-collect-subscribers = The subscriber map: one PREFIX SUBSCRIBER [FIRST-LAST] per line (the port block for shared CGNAT addresses); the longest prefix, then the port block, decides
cli-collect-customers = Without a map: the customer side, as comma-separated prefixes; each address in them is a subscriber (default: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7)
cli-analyze-indicator = An indicator from your Internet provider (a signed JSON file): instead of the report, name the devices whose flows match it, with the evidence side by side
cli-analyze-indicator-key = The provider's public key (64 hex digits, or a file holding them) the indicator must be signed with
cli-collect-indicators = After the run, write one signed indicator per alert into this folder (remote addresses and ports, protocol, time window, behaviour; nothing about the subscriber), plus index.json saying which subscriber each is about (for you, not for homes)
cli-collect-signing-key = The Ed25519 key indicators are signed with (64 hex digits in a file; created, readable by you only, when it does not exist)
indicator-err-key = { $path }: not a signing key (the file should hold 64 hex digits)
indicator-key-created = created the signing key { $path } (keep it private)
indicator-public-key = indicators are signed with the key whose public half is { $key } (give homes this)
indicator-written = { $n } signed indicators written to { $dir }
indicator-refused = { $path }: indicator refused: { $why } { $detail }
indicator-refused-syntax = not an indicator:
indicator-refused-schema = not an iotgate.indicator/1 indicator
indicator-refused-bad-key = the key given is not a public key (64 hex digits)
indicator-refused-other-issuer = it was signed with another key than the one given
indicator-refused-signature = its signature does not verify: it was changed after signing, or forged
indicator-head = Indicator: { $kind } ({ $detail }) between { $start } and { $end }, with { $n ->
    [one] one remote endpoint
   *[other] { $n } remote endpoints
 }: { $remotes }
indicator-none = No device in this capture talked with those endpoints in that window.
indicator-device = { $device } matches { $n ->
    [one] one endpoint
   *[other] { $n } endpoints
 }:
indicator-peer = { $remote } (port { $port }): { $flows } flows from { $first } to { $last }, { $packets } packets sent
cli-collect-nats = Publish the decoded records to a NATS JetStream cluster (comma-separated server URLs, e.g. nats://10.0.0.1:4222,nats://10.0.0.2:4222) for `iotgate collect worker` to detect on, instead of detecting here
cli-collect-partitions = How many partitions records are split into by subscriber (collectors and workers must agree)
cli-collect-replicas = Copies the cluster keeps of the streams and checkpoints (3: one server may fail without losing anything)
cli-collect-retention = With --nats: how long the records stream keeps records, in hours (a replacement worker rebuilds from them; after that they are gone). Set on the existing stream too
cli-collect-peers = Remote endpoints listed per subscriber in the report (address, protocol, port, counts), at most this many (default 0: none kept, only each subscriber's totals — whom a subscriber talks to is not needed to detect, so it is not kept unless asked)
cli-worker-about = Detect on records published by collectors, per partition, from a NATS JetStream cluster
cli-worker-long = Takes partitions of the records stream as durable pull consumers, pairs, attributes and runs the detectors on them as `iotgate collect` does, publishes alerts (deterministic ids: one alert is stored once) to the alerts stream, acknowledges the records and keeps its checkpoint in the cluster's key-value bucket. A worker started for the partitions of one that died rebuilds its state from the records it had acknowledged and goes on. Prints one JSON line per partition when it stops.{ "\u000A\u000A" }Example:{ "\u000A" }  iotgate collect worker --nats nats://127.0.0.1:4222 --partitions 8 --take 0,1,2,3 --subscribers subscribers.txt
cli-worker-take = The partitions this worker takes (default: all)
cli-worker-until-idle = Stop when nothing has been pending for this many seconds (the input ended)
cli-worker-metrics = Serve the worker's counters in Prometheus text format on http://ADDR:PORT/metrics: messages and records processed, alerts published, redeliveries and the consumer lag, per partition
nats-err = NATS ({ $urls }): { $error }
nats-err-take = there is no partition { $p }: partitions are numbered 0 to { $n } minus one
nats-published = published { $records } records in { $messages } messages ({ $duplicates } duplicates dropped by the stream, { $retries } retries); acknowledgement latency p50 { $p50 } ms, p99 { $p99 } ms; longest wait for a round { $stall } ms
nats-undelivered = { $records } records could not be published to the cluster before the deadline (is a majority of its servers up?): they were not delivered
cli-collect-sockets = With --listen: how many sockets share the address (SO_REUSEPORT; the kernel spreads exporters over them, each read in batches by its own thread)
cli-collect-metrics = With --listen: serve the counters in Prometheus text format on http://ADDR:PORT/metrics (records, drops by reason including the kernel's, templates, exporters, publishing)
collect-metrics = counters on http://{ $addr }/metrics
collect-received = { $datagrams } datagrams received on { $sockets } sockets; the kernel dropped { $drops } (full receive buffers)
collect-err-map = { $path }, line { $line }: { $why }
collect-map-syntax = write PREFIX SUBSCRIBER [FIRST-LAST], for example 203.0.113.0/24 sub-42 or 100.64.1.1 sub-43 1024-2047
collect-map-prefix = not an address or prefix (ADDR or ADDR/LEN)
collect-map-ports = not a port block (FIRST-LAST, FIRST no greater than LAST, both 0 to 65535)
collect-map-overlap = this port block overlaps another of the same prefix
collect-map-too-many = the map holds more than a million entries
collect-err-prefix = “{ $prefix }” is not a prefix: write ADDR/LEN, for example 100.64.0.0/10
collect-err-listen = “{ $addr }” is not an address to listen on: write it udp://ADDR:PORT, for example udp://0.0.0.0:2055
