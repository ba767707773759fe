# iotgate — catalogue français. Chaque texte lu par une personne est ici et dans en.ftl.

## Commun
none = aucun
and-more = { " " }(+{ $count } autres)
warning = avertissement :
vendor-unknown = fabricant inconnu
device-subscriber = abonné { $id }
report-title = iotgate — appareils de ce réseau
packets-count = { $count ->
    [one] { $count } paquet
   *[other] { $count } paquets
}
pkts = { $count ->
    [one] { $count } paq.
   *[other] { $count } paq.
}
summary-line = { $packets ->
    [one] { $packets } paquet
   *[other] { $packets } paquets
}, { $devices ->
    [one] { $devices } appareil
   *[other] { $devices } appareils
}, { $flows } flux, { $findings ->
    [one] { $findings } constat
   *[other] { $findings } constats
}
time-range = du { $from } au { $to }
bounded-note = Limites mémoire atteintes : { $flows } flux fermés plus tôt et { $devices } adresses non suivies. Les totaux restent justes ; certains correspondants sont regroupés.
peers-not-listed = et { $flows } autres flux avec des pairs non détaillés : { $packets } paquets, { $bytes }
peers-count = { $count ->
    [one] { $count } correspondant
   *[other] { $count } correspondants
}

## Champs d'un appareil
label-why = pourquoi
label-addresses = adresses
label-hostnames = noms d'hôte
label-dhcp = DHCP
dhcp-line = classe fabricant « { $vc } », demande les options { $prl }
dhcp-line-novc = sans classe fabricant, demande les options { $prl }
label-mud = URL MUD
label-mdns = services mDNS
label-ssdp = serveur UPnP
label-tls = noms TLS
label-ua = agents utilisateur
label-domains = noms recherchés
label-tunnels = vu dans
tunnel-gre = GRE
tunnel-vxlan = VXLAN
tunnel-gtp_u = GTP-U
tunnel-ip_in_ip = IP dans IP
tunnel-teredo = Teredo
tunnel-capwap = CAPWAP
label-peers = échange avec
label-traffic = trafic
traffic-totals = { $flows } flux, { $packets } paquets, { $bytes } (correspondants non gardés un par un)
label-carried = transporte
carried-traffic = { $flows } flux pour des adresses qui ne sont pas les siennes (relayées ou usurpées) : { $packets } paquets, { $bytes }
label-findings = constats
label-advice = Que faire :
no-findings = Rien d'inquiétant dans ce trafic.
role-client = l'appareil s'est connecté à
role-server = l'appareil a été contacté par
evidence-line = { $role } { $peer } ({ $proto }/{ $port }), { $count ->
    [one] une fois
   *[other] { $count } fois
}, d'abord le { $first }

## Gravités
severity-high = élevée
severity-medium = moyenne
severity-low = faible
severity-info = info

## Types d'appareils
kind-camera = caméra
kind-plug = prise ou interrupteur connecté
kind-bulb = ampoule
kind-hub = passerelle domotique
kind-speaker = enceinte ou lecteur multimédia
kind-printer = imprimante
kind-phone = téléphone ou tablette
kind-computer = ordinateur
kind-router = routeur
kind-sensor = capteur
kind-unknown = type inconnu

## Pourquoi ce type
reason-routes = Il relaie le trafic d'autres adresses Internet, comme le fait un routeur.
reason-dhcp-server = Il distribue les adresses du réseau (serveur DHCP), comme le fait un routeur.
reason-rtsp = Il diffuse des flux vidéo (RTSP), comme le fait une caméra.
reason-hostname = Son nom contient « { $evidence } ».
reason-mdns = Il annonce le service « { $evidence } » sur le réseau local.
reason-vendor-class = Sa classe fabricant DHCP contient « { $evidence } ».
reason-ssdp = Sa description de serveur UPnP contient « { $evidence } ».
reason-mud-url = L'URL MUD de son fabricant contient « { $evidence } ».
reason-user-agent = Son agent utilisateur web contient « { $evidence } ».
reason-vendor = Le nom enregistré de son fabricant contient « { $evidence } ».
reason-none = Ce trafic ne suffit pas pour dire de quel appareil il s'agit.

## Constats
finding-cleartext-telnet-title = Connexion Telnet sans chiffrement
finding-cleartext-telnet-explain = Cet appareil a utilisé Telnet, qui transmet noms d'utilisateur, mots de passe et commandes en clair. Toute personne sur le chemin du trafic peut les lire, et Telnet est la porte par laquelle le botnet Mirai a pris le contrôle de caméras et de routeurs.
finding-cleartext-telnet-advice = Désactivez Telnet dans les réglages de l'appareil ou mettez à jour son micrologiciel. Si c'est impossible, choisissez un mot de passe long et unique et ne l'exposez pas à Internet ; envisagez de le remplacer.
finding-cleartext-ftp-title = FTP sans chiffrement
finding-cleartext-ftp-explain = Cet appareil a utilisé FTP, qui transmet son mot de passe et ses fichiers en clair.
finding-cleartext-ftp-advice = Utilisez une solution sécurisée (SFTP ou HTTPS) si l'appareil en propose une, ou désactivez FTP.
finding-http-cleartext-secrets-title = Secrets ou données personnelles envoyés sans chiffrement ({ $detail })
finding-http-cleartext-secrets-explain = L'appareil a envoyé des requêtes web non chiffrées dont les adresses contiennent { $detail } (vers { $peer }). Quiconque se trouve sur le chemin — le Wi-Fi, le fournisseur d'accès, un routeur compromis — peut les lire : les jetons et les clés permettent d'agir à la place de l'appareil ou de son propriétaire ; numéros de série, noms de réseau et positions révèlent qui vous êtes et où vous êtes.
finding-http-cleartext-secrets-advice = Cherchez une mise à jour du micrologiciel qui passe ces requêtes en HTTPS. S'il n'y en a pas, interrogez le fabricant ; en attendant, placez l'appareil sur un réseau séparé.
finding-http-basic-auth-title = Mot de passe envoyé en HTTP non chiffré
finding-http-basic-auth-explain = Un mot de passe a circulé vers ou depuis cet appareil dans du trafic web non chiffré (authentification HTTP Basic, hôte { $detail }). Quiconque voit ce trafic peut le lire.
finding-http-basic-auth-advice = Changez ce mot de passe et utilisez l'adresse HTTPS ou l'application de l'appareil plutôt que HTTP. Demandez au fabricant une mise à jour qui chiffre les connexions.
finding-mqtt-cleartext-credentials-title = Mot de passe de messagerie envoyé en clair
finding-mqtt-cleartext-credentials-explain = Cet appareil s'est connecté à un serveur de messages MQTT ({ $peer }) avec un nom d'utilisateur ou un mot de passe lisible (client « { $detail } »). Qui l'intercepte peut commander l'appareil ou se faire passer pour lui.
finding-mqtt-cleartext-credentials-advice = Configurez l'appareil ou le serveur pour utiliser MQTT sur TLS (souvent le port 8883) et changez le mot de passe.
finding-mqtt-cleartext-title = Messages de l'appareil envoyés sans chiffrement
finding-mqtt-cleartext-explain = Cet appareil échange des messages MQTT avec { $peer } sans chiffrement : ce qu'il rapporte et les commandes qu'il reçoit peuvent être lus ou modifiés en route.
finding-mqtt-cleartext-advice = Préférez MQTT sur TLS si l'appareil ou le serveur le permet.
finding-unidentified-cleartext-title = Données non reconnues envoyées sans chiffrement
finding-unidentified-cleartext-explain = L'appareil a échangé du texte lisible avec { $peer } dans un protocole qu'iotgate ne reconnaît pas, sans chiffrement. Ce qu'il transporte — commandes, identifiants, réglages — peut être lu ou modifié par quiconque se trouve sur le chemin.
finding-unidentified-cleartext-advice = Demandez au fabricant ce que transporte cette connexion et si une mise à jour du micrologiciel la chiffre ; en attendant, placez l'appareil sur un réseau séparé.
finding-rtsp-cleartext-title = Flux vidéo sans chiffrement
finding-rtsp-cleartext-explain = Une vidéo a été demandée en RTSP sans chiffrement (requête { $detail }). Toute personne sur le chemin peut regarder le flux, et les mots de passe RTSP sont souvent faibles.
finding-rtsp-cleartext-advice = Désactivez RTSP si vous ne l'utilisez pas, choisissez un mot de passe robuste et n'exposez jamais le port RTSP de la caméra à Internet.
finding-tls-legacy-title = Chiffrement obsolète proposé ({ $detail })
finding-tls-legacy-explain = Cet appareil n'a proposé que { $detail } pour se connecter à { $peer }. Les versions antérieures à TLS 1.2 ont des faiblesses connues et ne sont plus acceptées par les normes actuelles.
finding-tls-legacy-advice = Mettez à jour le micrologiciel. Si aucune mise à jour ne corrige cela, le fabricant n'entretient plus la sécurité de l'appareil : prévoyez de le remplacer.
finding-upnp-port-mapping-title = A ouvert un port sur votre routeur (UPnP)
finding-upnp-port-mapping-explain = Cet appareil a demandé au routeur d'ouvrir un port depuis Internet vers lui-même (UPnP AddPortMapping vers { $peer }). Il devient joignable — et attaquable — de partout.
finding-upnp-port-mapping-advice = Désactivez UPnP sur votre routeur si vous n'en avez pas besoin et vérifiez les ports ouverts. Gardez le micrologiciel de l'appareil à jour.
finding-dns-hardcoded-resolver-title = Ignore le serveur de noms de votre réseau
finding-dns-hardcoded-resolver-explain = Cet appareil envoie ses requêtes DNS à { $peer } au lieu du résolveur fourni par votre réseau. Vos réglages de filtrage et de confidentialité ne s'appliquent pas à lui.
finding-dns-hardcoded-resolver-advice = Vérifiez les réglages réseau de l'appareil ; s'ils ne peuvent pas être changés, votre routeur peut rediriger ou bloquer le DNS extérieur pour cet appareil.

## Avertissements et erreurs de capture
warn-truncated = la capture s'arrête au milieu d'un paquet à l'octet { $offset } ({ $needed } octets annoncés, { $had } présents) ; les paquets précédents ont été lus
warn-bad-record = longueur de paquet impossible { $len } à l'octet { $offset } ; lecture arrêtée là
warn-bad-block = bloc pcapng endommagé (type { $type }, longueur { $len }) à l'octet { $offset }
warn-linktype = type de lien { $linktype } non décodé (octet { $offset })
warn-interface = un paquet désigne une interface { $interface } non décrite à l'octet { $offset }
err-io = { $path } : { $error }
err-empty = { $path } : fichier vide, ce n'est pas une capture
err-not-capture = { $path } : ce n'est pas une capture pcap ou pcapng (commence par les octets { $bytes })
err-bad-header = { $path } : en-tête de capture endommagé : { $what }
err-directory = { $path } : dossier sans aucune capture
err-no-input = aucune capture indiquée ; essayez : iotgate analyze CAPTURE.pcap
err-write = impossible d'écrire { $path } : { $error }
err-bad-value = { $option } : { $error }

## HTML
html-title = Les appareils de votre réseau et leur sécurité
html-intro = Ce qu'iotgate a vu dans le trafic capturé : quels appareils sont sur le réseau, avec qui ils échangent, et quoi corriger en premier.
html-devices = appareils
html-findings = points à examiner
html-packets = paquets analysés
html-attention = Ce qui demande votre attention
html-all-clear = Rien d'inquiétant dans ce trafic.
html-your-devices = Vos appareils
html-footer = Produit par { $generator } à partir du seul trafic, sans toucher aux appareils.
col-peer = adresse
col-name = nom
col-service = service
col-packets = paquets

## Ligne de commande
cli-about = iotgate : connaître chaque appareil de votre réseau, et ce qu'il fait.
cli-long = iotgate lit des captures réseau (pcap, pcapng), liste chaque appareil vu avec son identité et ses correspondants, et explique les problèmes de sécurité en langage clair.
cli-lang = Langue de tout ce qui est affiché : en ou fr (par défaut : selon LANG)
cli-analyze = Analyser des captures : appareils, correspondants, constats
cli-analyze-long = Lit une ou plusieurs captures (ou dossiers de captures), les fusionne dans l'ordre du temps et décrit chaque appareil : fabricant, type, adresses, noms, empreinte DHCP, URL MUD, services, noms recherchés et correspondants, avec des constats expliqués en langage clair, et les alertes des détecteurs (balayages, mots de passe devinés, inondations, commande et contrôle, listes de blocage, exposition, changement de comportement ; docs/detection.md).{ "\u000A\u000A" }Exemples :{ "\u000A" }  iotgate analyze maison.pcap{ "\u000A" }  iotgate analyze --format json capture1.pcap capture2.pcapng > rapport.json{ "\u000A" }  iotgate analyze --html rapport.html --lang fr captures/{ "\u000A" }  tcpdump -i eth0 -w - | iotgate analyze -{ "\u000A" }  iotgate analyze -i br-lan --duration 10m
cli-captures = Fichiers de capture (pcap ou pcapng) ou dossiers qui en contiennent ; - lit une capture sur l'entrée standard (tcpdump -w - | iotgate analyze -)
progress-live = capture sur { $iface }
err-stdin-alone = l'entrée standard (-) doit être la seule entrée : on ne peut pas fusionner par date des captures avec un flux qui peut ne jamais finir
err-interface = impossible de capturer sur { $iface } : { $error }
err-duration = { $value } n'est pas une durée : écrivez un nombre de secondes, ou un nombre suivi de s, m ou h (90s, 5m, 1h)
cli-duration = Avec --interface ou l'entrée standard : s'arrêter après cette durée (90s, 5m, 1h ; un nombre seul compte des secondes)
cli-interface = Capturer en direct sur cette interface réseau au lieu de lire des fichiers (droits root ou CAP_NET_RAW nécessaires) ; Ctrl-C ou --duration termine la capture et affiche le rapport
cli-format = Format sur la sortie standard : text ou json
cli-html = Écrire aussi un rapport HTML autonome dans ce fichier
cli-max-flows = Nombre maximal de flux gardés en mémoire (les plus anciens sont résumés)
cli-peers = Correspondants affichés par appareil dans le rapport texte
cli-threads = Fils d'exécution : 1 analyse sur un seul cœur ; 2 (par défaut sur une machine multicœur) lit et décode sur un second cœur. Les résultats sont identiques.
cli-progress = Barre de progression : auto (sur un terminal, pour un long travail), always ou never
cli-simulate = Écrire une capture synthétique réaliste d'un réseau domestique
cli-simulate-long = Écrit une capture déterministe d'une maison ou d'un petit bureau : téléphones, ordinateurs, caméras, prises, ampoules, enceintes et passerelles qui font du DHCP, DNS, mDNS, SSDP, NTP, du TLS vers leurs nuages et du MQTT. Les caméras infectées balayent Telnet comme Mirai (SYN bruts dont le numéro de séquence est l'adresse visée) ; --flood ajoute une inondation sortante. Un fichier JSON à côté de la capture liste ce qui a été planté.{ "\u000A\u000A" }Exemple :{ "\u000A" }  iotgate simulate --out maison.pcap --devices 12 --packets 200000 --seed 7
cli-out = Fichier de capture à écrire
cli-devices = Nombre d'appareils (en plus du routeur)
cli-packets = Nombre approximatif de paquets à écrire
cli-seed = Graine : la même graine donne la même capture
cli-infected = Nombre de caméras infectées
cli-flood = Ajouter une inondation sortante depuis la première caméra infectée
cli-stealthy = Appareils (après les caméras infectées) atteints d'un bot plus discret : un balayage lent réparti sur les ports visés par les bots, des essais de mots de passe SSH sur le port 2222, des connexions HTTPS à son serveur à intervalles irréguliers
cli-truth = Où écrire la vérité terrain JSON (par défaut : OUT avec .truth.json)
progress-reading = lecture
sim-done = { $packets } paquets ({ $bytes } octets) écrits dans { $path } ; vérité terrain dans { $truth }
cli-sim-netflow = Écrire à la place les exports de flux d'un opérateur (v9 ou ipfix) : --subscribers foyers, chacun un réseau domestique simulé derrière son NAT (sa propre adresse, ou une adresse CGNAT partagée avec un bloc de ports), dont --infected avec une caméra infectée par Mirai et --stealthy avec le bot plus discret (--flood : le premier infecté inonde aussi), --devices et --packets par foyer, mesurés en enregistrements de flux à la bordure du réseau d'accès. À côté de la capture : la table des abonnés (.subscribers.txt) et la vérité terrain (.truth.json)
cli-sim-subscribers = Avec --netflow : le nombre d'abonnés (foyers)
sim-isp-done = { $packets } paquets d'export écrits ({ $records } enregistrements de flux de { $homes } foyers) dans { $path } ; table des abonnés dans { $map }, vérité terrain dans { $truth }

## Profils MUD (RFC 8520)
cli-mud = Travailler avec des profils MUD (RFC 8520) : les vérifier
cli-mud-long = Un profil MUD est la déclaration, par le fabricant, de ce dont un appareil a besoin sur le réseau (RFC 8520). iotgate lit les profils conformes à la RFC et les formats des brouillons encore rencontrés (lus en mode hérité, avec un avertissement pour chaque nom issu d'un brouillon).
cli-mud-check = Valider des profils MUD et expliquer chaque problème
cli-mud-check-long = Lit chaque fichier MUD et signale chaque problème avec le chemin JSON où il se trouve. Les erreurs rendent un profil inutilisable (un type erroné, une ACL nommée par une politique mais définie nulle part, une plage de ports impossible, un membre que le schéma ne définit pas) ; les avertissements non (noms issus des brouillons, membres de modules inconnus d'iotgate, adresse sans longueur de préfixe).{ "\u000A\u000A" }Code de sortie : 0 si tous les profils sont utilisables, 1 si l'un ne l'est pas, 2 si un fichier est illisible.{ "\u000A\u000A" }Exemples :{ "\u000A" }  iotgate mud check camera.json{ "\u000A" }  iotgate mud check --format json profils/*.json
cli-mud-files = Fichiers MUD (JSON)
cli-mud-format = Format de sortie : text ou json
mud-valid = utilisable : { $url }{ $info } ; ACL : { $from } depuis l'appareil et { $to } vers l'appareil, { $aces } entrées
mud-invalid = inutilisable : { $errors ->
    [one] une erreur
   *[other] { $errors } erreurs
}
mud-warnings = { $n ->
    [one] un avertissement
   *[other] { $n } avertissements
}
mud-sev-error = erreur
mud-sev-warning = avertissement
mud-read-error = impossible de lire { $path } : { $error }
mud-syntax = ce n'est pas du JSON : { $detail } (ligne { $line }, colonne { $column })
mud-too-large = le fichier fait { $bytes } octets ; un profil MUD peut en faire au plus { $limit }
mud-missing = le membre obligatoire « { $field } » est absent
mud-type = attendu : { $expected ->
    [object] un objet
    [array] un tableau
    [string] une chaîne
    [boolean] true ou false
   *[integer] un entier
}
mud-value = « { $value } » n'est pas permis ici ; attendu : { $expected }
mud-range = { $value } est hors limites ({ $min } à { $max })
mud-undefined-acl = l'ACL « { $name } » est référencée ici mais définie nulle part dans le fichier
mud-duplicate-acl = une deuxième ACL s'appelle « { $name } »
mud-duplicate-ace = une deuxième entrée de cette ACL s'appelle « { $name } »
mud-port-range = plage de ports impossible : le port bas { $lower } dépasse le port haut { $upper }
mud-exclusive = « { $a } » et « { $b } » ne peuvent pas être donnés ensemble
mud-unknown = membre inconnu « { $field } » (ignoré)
mud-legacy = nom de brouillon « { $field } » lu comme « { $modern } »
mud-version = { $version ->
    [none] pas de mud-version ; lu comme la version 1
   *[other] la mud-version { $version } n'est pas prise en charge (seulement 1)
}
mud-no-prefix = « { $value } » n'a pas de longueur de préfixe ; lu comme une seule adresse
mud-family = « { $value } » n'est pas de la version IP de cette ACL : cette entrée ne correspond jamais
mud-protocol-mismatch = les critères « { $layer } » contredisent le protocole { $protocol }
mud-unused-acl = l'ACL « { $name } » est définie mais aucune politique ne l'utilise
mud-not-https = l'URL MUD « { $url } » doit commencer par https://
mud-undefined-member = « { $field } » n'est pas un membre que le schéma définit ici
mud-exp-empty = [null] (une feuille vide)
mud-exp-date-time = une date et heure RFC 3339, comme 2024-05-01T12:00:00Z
mud-exp-systeminfo = de 1 à 60 caractères
mud-exp-acl-type = ipv4-acl-type, ipv6-acl-type, eth-acl-type ou un type mixte
mud-exp-direction = from-device ou to-device
mud-exp-forwarding = accept, drop ou reject
mud-exp-eth-only = seulement des critères eth dans une ACL Ethernet
mud-exp-dns-name = un nom DNS
mud-exp-operator = eq, neq, lte ou gte
mud-exp-prefix = un préfixe IP comme 192.0.2.0/24 ou 2001:db8::/32
mud-exp-prefix-length = une longueur de préfixe pas plus longue que l'adresse
mud-exp-ethertype = un ethertype de 0 à 65535, comme "0x888e"
cli-mud-audit = Vérifier les appareils des captures par rapport à leurs profils MUD
cli-mud-audit-long = Décide chaque flux de chaque appareil qui a un profil, dans les deux sens, comme le ferait une passerelle qui applique MUD : autorisé (par quelle entrée) ou en infraction. Les entrées qui nomment des noms DNS correspondent aux adresses que l'appareil lui-même a obtenues pour ces noms dans la capture. Le rapport liste les infractions avec leurs preuves et une explication simple, ainsi que les entrées qu'aucun flux n'a utilisées.{ "\u000A\u000A" }Les profils viennent de --mud MAC=FICHIER, ou de --mud-cache DOSSIER pour les appareils qui ont annoncé une URL MUD (DHCP, DHCPv6 ou LLDP) : le profil de https://hôte/chemin est lu dans DOSSIER/hôte/chemin.json.{ "\u000A\u000A" }Exemples :{ "\u000A" }  iotgate mud audit prise.pcap --mud 50:c7:bf:00:c7:03=tplinkplug.json{ "\u000A" }  iotgate mud audit --format json --mud-cache profils/ maison.pcap
cli-mud-profile = Un appareil et son profil : MAC=FICHIER (répétable)
cli-mud-cache = Dossier de profils trouvés par URL MUD : https://hôte/chemin est lu dans DOSSIER/hôte/chemin.json
cli-mud-controller = L'adresse d'un contrôleur pour sa classe : URI=ADRESSE (par ex. urn:ietf:params:mud:ntp=192.168.1.1 ; my-controller=ADRESSE pour my-controller)
cli-analyze-mud = Vérifier aussi cet appareil par rapport à ce profil MUD : MAC=FICHIER (répétable)
err-mud-arg = « { $arg } » n'est pas de la forme { $what ->
    [addr] MAC=ADRESSE (une adresse MAC comme 50:c7:bf:00:c7:03, un signe égal, une adresse IP)
    [profile] MAC=FICHIER (une adresse MAC comme 50:c7:bf:00:c7:03, un signe égal, un fichier)
   *[controller] URI=ADRESSE (une classe de contrôleur, un signe égal, une adresse IP)
}
err-mud-profile = { $path } : { $problem }
err-mud-unusable = { $path } n'est pas un profil MUD utilisable ({ $errors ->
    [one] une erreur
   *[other] { $errors } erreurs
} ; lancez « iotgate mud check { $path } » pour les voir)
mudaudit-head = Vérification MUD de { $mac } par rapport à { $url } ({ $source })
mudaudit-summary = { $flows } flux : { $allowed } autorisés, { $violating } non autorisés par le profil
mudaudit-violations = Non autorisé :
mudaudit-counts = { $flows ->
    [one] un flux
   *[other] { $flows } flux
}, { $packets } paquets, à partir de { $first }
mudaudit-violation = { $device } { $who ->
    [device] a contacté
   *[remote] a été contacté par
} { $peer } en { $proto } sur le port { $port }, ce que le profil MUD de son fabricant { $how ->
    [denied] interdit explicitement
   *[other] ne prévoit pas
}. Une passerelle qui applique MUD le bloquerait. Cela peut être anodin (un profil pas à jour) ou le signe que l'appareil fait quelque chose que son fabricant n'a pas prévu, par exemple après avoir été piraté.
mudaudit-advice = Ce que vous pouvez faire : vérifiez que l'appareil a son dernier micrologiciel ; si vous n'attendiez pas ce trafic, isolez l'appareil (ou activez l'application de MUD sur votre passerelle) et demandez au fabricant de corriger son profil.
mudaudit-dropped = … et { $n } autres flux en infraction non listés
mudaudit-unused = { $n ->
    [one] Une entrée du profil n'a jamais servi :
   *[other] { $n } entrées du profil n'ont jamais servi :
}
mudaudit-none = Aucun appareil de ces captures n'a de profil MUD (donnez --mud MAC=FICHIER, ou --mud-cache DOSSIER pour les appareils qui annoncent une URL MUD).
mudcache-bad-url = { $mac } a annoncé l'URL MUD { $url }, qui ne peut désigner aucun fichier du cache de profils : { $detail }
mudcache-missing = { $mac } a annoncé l'URL MUD { $url }, mais le cache n'a pas { $path } ; son trafic n'a pas été vérifié
mudcache-io = { $mac } a annoncé l'URL MUD { $url } ; { $path } n'a pas pu être lu : { $detail }
mudcache-unusable = { $mac } a annoncé l'URL MUD { $url } ; { $path } n'est pas un profil utilisable ({ $detail } erreurs ; voir « iotgate mud check »)
html-mud = Vérifié par rapport aux profils MUD des fabricants
cli-mud-learn = Écrire un profil MUD qui autorise exactement ce qu'un appareil a fait
cli-mud-learn-long = Observe un appareil dans les captures et écrit un profil RFC 8520 qui autorise exactement le trafic vu : les pairs sur Internet par le nom DNS que l'appareil a demandé (par adresse s'il n'en a demandé aucun), le résolveur du réseau comme contrôleur DNS, les pairs du réseau local comme réseaux locaux, avec protocoles, ports, types ICMP et, pour TCP, qui a ouvert la connexion. Les mêmes captures donnent toujours le même profil. Vérifiez-le avec « iotgate mud audit ».{ "\u000A\u000A" }Exemples :{ "\u000A" }  iotgate mud learn prise.pcap --device 50:c7:bf:00:c7:03 --out prise.json{ "\u000A" }  iotgate mud learn captures/ --device 50:c7:bf:00:c7:03 --url https://example.com/prise.json
cli-mud-device = L'appareil à apprendre, par son adresse MAC
cli-mud-url = L'URL MUD à écrire dans le profil (par défaut : celle que l'appareil a annoncée, sinon une adresse provisoire sous mud.example.com)
cli-mud-systeminfo = Une description de l'appareil (60 caractères au plus)
cli-mud-out = Écrire le profil dans ce fichier plutôt que sur la sortie standard
err-mud-device = « { $arg } » n'est pas une adresse MAC comme 50:c7:bf:00:c7:03
learn-nothing = { $mac } n'a dans ces captures aucun trafic qu'un profil pourrait autoriser (la MAC est-elle juste ?)
learn-systeminfo = appareil { $vendor }, profil appris par iotgate
learn-done = { $aces } entrées apprises de { $flows } flux de { $mac } ; profil pour { $url } écrit dans { $path }
learn-truncated = l'appareil a fait plus qu'un profil ne peut contenir : { $n } flux ne sont pas couverts (il balaie peut-être le réseau)
cli-mud-trust = Vérifier aussi la signature CMS détachée de chaque profil (FICHIER.p7s à côté) avec les certificats de ce fichier PEM, seules ancres de confiance
cli-mud-signature = Le fichier de signature, s'il ne porte pas le nom du profil avec .p7s (un seul profil)
sig-one-file = --signature désigne la signature d'un seul profil : donnez exactement un FICHIER
sig-missing = signature : impossible de lire { $path } : { $error }
sig-valid = signature : valide — signé par { $signer } le { $when } ({ $path })
sig-valid-expired = signature : valide — signé par { $signer } le { $when }, vérifié à cette date : un certificat de la chaîne a expiré depuis ({ $path })
sig-not-cms = signature : NON valide — { $path } n'est pas une signature CMS ({ $detail })
sig-bad-anchor = signature : non vérifiée — les ancres de confiance ne sont pas des certificats PEM ({ $detail })
sig-changed = signature : NON valide — le profil n'est pas celui qui a été signé : il a changé après la signature ({ $path })
sig-untrusted = signature : NON valide — le signataire n'est pas de confiance : son certificat ne mène à aucune ancre de confiance ({ $detail })
sig-invalid = signature : NON valide — { $detail } ({ $path })
sig-no-anchor = signature : non vérifiée — le fichier d'ancres de confiance ne contient aucun certificat PEM
cli-mud-nft = Compiler des profils MUD en un jeu de règles nftables (JSON pour nft -j -f)
cli-mud-nft-long = Écrit, pour les appareils donnés, un jeu de règles nftables dans la table inet iotgate_mud : par appareil une chaîne pour ce qu'il envoie (reconnu par sa MAC) et une pour ce qu'il reçoit (reconnu par ses adresses), chaque entrée de son profil en règle, et un rejet final ; le trafic des autres appareils n'est pas touché. Les entrées qui nomment des noms DNS utilisent des ensembles nommés que « iotgate mud enforce » remplit en fonctionnement avec les réponses DNS de l'appareil, leur TTL servant de délai d'expiration. Appliquer le fichier remplace la table de façon atomique.{ "\u000A\u000A" }Exemple :{ "\u000A" }  iotgate mud nft --mud 50:c7:bf:00:c7:03=prise.json --addr 50:c7:bf:00:c7:03=192.168.1.20 --controller urn:ietf:params:mud:dns=192.168.1.1 > mud.nft.json && nft -j -f mud.nft.json
cli-mud-nft-out = Écrire le jeu de règles dans ce fichier plutôt que sur la sortie standard
cli-mud-enforce = Appliquer des profils MUD sur cette passerelle avec nftables
cli-mud-enforce-long = Applique de façon atomique le jeu de règles de « iotgate mud nft », puis surveille l'interface du réseau local pour y lire les réponses DNS reçues par les appareils gérés, et ajoute les adresses de chaque nom autorisé à son ensemble pour la durée du TTL : un appareil atteint les noms que son profil autorise — même quand leurs adresses changent — et rien d'autre. Nécessite root (ou CAP_NET_ADMIN et CAP_NET_RAW) et nftables. Pour retirer les règles : nft delete table inet iotgate_mud{ "\u000A\u000A" }Exemple :{ "\u000A" }  iotgate mud enforce --interface br-lan --mud 50:c7:bf:00:c7:03=prise.json --addr 50:c7:bf:00:c7:03=192.168.1.20
cli-mud-addr = Une adresse d'un appareil géré : MAC=ADRESSE (répétable) ; ce qu'il reçoit est reconnu par ces adresses
cli-mud-interface = L'interface du réseau local où lire les réponses DNS
cli-mud-for = S'arrêter après ce nombre de secondes (par défaut : jusqu'à l'arrêt)
nft-no-profile = donnez au moins un appareil et son profil : --mud MAC=FICHIER
nft-skipped = laissé hors du jeu de règles : { $what } : { $why }
nft-apply = nft a refusé les règles : { $error }
enforce-socket = impossible de surveiller { $iface } : { $error }
enforce-started = règles appliquées ; surveillance de { $iface } pour les réponses DNS à { $devices } appareils gérés
nft-why-eth-acl = une ACL Ethernet (une passerelle achemine de l'IP ; des trames comme EAPOL ne la traversent pas)
nft-why-own-side-name = elle désigne le côté de l'appareil lui-même par un nom DNS
nft-why-ports-without-l4 = des ports sans TCP ni UDP
nft-why-no-controller = aucune adresse n'est connue pour ce contrôleur (donnez --controller URI=ADRESSE)
nft-why-no-my-controller = aucune adresse n'est connue pour my-controller (donnez --controller my-controller=ADRESSE)
nft-why-no-peer-device = aucun autre appareil géré de ce fabricant ou de ce modèle
cli-mud-fetch = Récupérer des profils MUD en HTTPS, vérifier leurs signatures, les garder en cache
cli-mud-fetch-long = Récupère chaque profil uniquement en HTTPS (sans redirection, 1 Mio et 15 s au plus), puis sa signature détachée (le mud-signature du profil, sinon la même URL terminée par .p7s), et ne garde le profil que si la signature est valide pour les ancres de confiance. Les profils vont dans le dossier de cache que lit « --mud-cache » (DOSSIER/hôte/chemin.json) avec leur signature et leur date de récupération ; un profil en cache plus jeune que son cache-validity n'est pas récupéré de nouveau (sauf --force).{ "\u000A\u000A" }Exemple :{ "\u000A" }  iotgate mud fetch --cache profils/ --trust ca-fabricants.pem https://lighting.example.com/lightbulb2000.json
cli-mud-urls = URL MUD (https://…)
cli-mud-cache-dir = Le dossier de cache des profils
cli-mud-fetch-trust = Certificats (PEM) habilités à signer des profils : seules ancres de confiance des signatures
cli-mud-tls-roots = Autorités de certification (PEM) supplémentaires pour HTTPS, en plus de celles du système
cli-mud-force = Récupérer de nouveau même si la copie en cache est encore valide
fetch-tls = impossible de préparer HTTPS : { $error }
fetch-stored = { $url } : signature valide ; enregistré dans { $path }
fetch-fresh = { $url } : la copie en cache est encore valide ({ $path }) ; pas de nouvelle récupération
fetch-bad-url = { $url } : non récupéré — { $detail }
fetch-http = { $url } : non récupéré — { $detail }
fetch-too-large = { $url } : non récupéré — plus grand que { $detail } octets
fetch-unusable = { $url } : non gardé — ce n'est pas un profil MUD utilisable (passez-le à « iotgate mud check » : { $detail ->
    [1] une erreur
   *[other] { $detail } erreurs
})
fetch-signature = { $url } : non gardé — sa signature n'est pas valide : { $detail }
fetch-io = { $url } : impossible d'écrire dans le cache : { $detail }
cli-mud-fetch-flag = Récupérer dans le dossier --mud-cache les URL MUD que les appareils annoncent (HTTPS, signatures vérifiées avec --trust) avant de les vérifier
fetch-needs-trust = --fetch demande --trust CA.pem : un profil récupéré n'est utilisé que si sa signature est valide
mudcache-fetch = { $mac } a annoncé l'URL MUD { $url }, inutilisable : { $detail }

## Alertes de détection
alerts-title = { $n ->
    [one] Une alerte
   *[other] { $n } alertes
}
alert-when = premier indice { $first }, alerte levée { $raised } ({ $delay } s plus tard), confiance { $confidence } %
alert-action-quarantine = Mettez l'appareil en quarantaine tout de suite (débranchez-le ou placez-le sur un réseau invité isolé) pour qu'il ne puisse plus attaquer.
alert-action-factory-reset = Rétablissez ses réglages d'usine : les logiciels malveillants de type Mirai vivent en mémoire, et un simple redémarrage les laisse revenir par le même mot de passe.
alert-action-update-firmware = Installez le dernier micrologiciel du fabricant avant de le reconnecter.
alert-action-change-password = Choisissez un nouveau mot de passe long et unique (jamais celui d'origine).
alert-action-close-port = Fermez la redirection de port ou l'ouverture UPnP qui l'expose, et coupez l'administration à distance dont vous n'avez pas besoin.
alert-action-review = Vérifiez que c'est bien vous qui l'avez configuré ; sinon, considérez l'appareil comme non fiable.
alert-scan-mirai-title = Balayage du botnet Mirai depuis { $device }
alert-scan-mirai-explain = { $device } envoie des sondes de connexion brutes dont le numéro de séquence est égal à l'adresse sondée — l'empreinte du scanner du botnet Mirai ({ $n } sondes de ce type ; environ { $targets } (± { $error } %) adresses essayées). L'appareil est très probablement infecté et cherche d'autres appareils à pirater.
alert-scan-horizontal-title = { $device } balaie Internet à la recherche d'autres appareils
alert-scan-horizontal-explain = { $device } a tenté de joindre environ { $targets } (± { $error } %) adresses différentes sur le même port de service ({ $items }) et presque aucune n'a répondu. Un appareil ordinaire parle à quelques serveurs ; un appareil infecté balaie des plages d'adresses pour trouver des victimes.
alert-scan-vertical-title = { $device } a sondé de nombreux ports de { $peer }
alert-scan-vertical-explain = { $device } a essayé { $n } ports différents sur { $peer } et a été refusé presque partout : un balayage de ports, à la recherche de services à attaquer.
alert-scan-stealth-title = Balayage de ports furtif depuis { $device }
alert-scan-stealth-explain = { $device } a envoyé { $n } sondes TCP avec des combinaisons d'indicateurs qu'aucun programme normal n'utilise (sondes NULL, FIN, « Xmas », SYN+FIN ou SYN+RST). Les outils de balayage et d'identification s'en servent pour trouver les ports ouverts et le système qui est derrière sans laisser de traces.
alert-scan-slow-title = { $device } balaie lentement le réseau à la recherche d'autres appareils
alert-scan-slow-explain = { $device } a tenté de se connecter à environ { $targets } (± { $error } %) adresses différentes en quelques minutes, sur de nombreux ports, et presque aucune n'a accepté. Les bots balaient ainsi — une adresse ou deux par seconde sur les ports des caméras, routeurs et enregistreurs vidéo — pour passer inaperçus pendant qu'ils cherchent des victimes.
alert-scan-tool-title = { $device } sonde { $peer } avec un outil de balayage ({ $items })
alert-scan-tool-explain = { $device } a envoyé { $n } requêtes à { $peer } (port { $port }) qui nomment un outil conçu pour trouver des services et éprouver leurs faiblesses ({ $items }). Sauf si vous testez votre propre réseau, un appareil qui l'exécute a été pris en main ou sert à attaquer.
alert-scan-arp-sweep-title = { $device } balaie le réseau local
alert-scan-arp-sweep-explain = { $device } a demandé au réseau local l'adresse matérielle d'environ { $targets } (± { $error } %) adresses différentes en une minute, et presque aucune n'a répondu : il dresse la liste des adresses utilisées, première étape d'une attaque contre les autres appareils d'ici (les applications d'analyse de réseau font de même).
alert-brute-force-outbound-title = { $device } essaie de deviner des mots de passe sur { $peer }
alert-brute-force-outbound-explain = { $device } a ouvert { $n } sessions de connexion vers { $peer } (port { $port }) en peu de temps, l'une après l'autre : il essaie des mots de passe. Un appareil infecté fait cela pour se propager.
alert-brute-force-inbound-title = Quelqu'un essaie de deviner le mot de passe de { $device }
alert-brute-force-inbound-explain = { $peer } a ouvert { $n } sessions de connexion vers { $device } (port { $port }) en peu de temps, l'une après l'autre : quelqu'un essaie des mots de passe.
alert-brute-force-web-title = Connexions répétées à la page web de { $device }
alert-brute-force-web-explain = { $peer } s'est connecté { $n } fois au port d'administration web { $port } de { $device } en peu de temps. Ce peut être une tentative de deviner le mot de passe, ou une application qui interroge l'appareil.
alert-flood-syn-title = { $device } participe à une inondation SYN contre { $peer }
alert-flood-syn-explain = { $device } a ouvert jusqu'à { $n } connexions par seconde vers { $peer } sans jamais les terminer — une inondation SYN, une attaque par déni de service. Les botnets utilisent les appareils piratés précisément pour cela.
alert-flood-ack-title = { $device } participe à une inondation ACK contre { $peer }
alert-flood-ack-explain = { $device } a envoyé jusqu'à { $n } acquittements TCP par seconde à { $peer } qui n'appartiennent à aucune connexion — une inondation ACK, une attaque par déni de service.
alert-flood-udp-title = { $device } inonde { $peer } de paquets UDP
alert-flood-udp-explain = { $device } a envoyé jusqu'à { $n } paquets UDP sans réponse (ou nouveaux flux UDP) par seconde à { $peer } — une attaque par déni de service.
alert-flood-icmp-title = { $device } inonde { $peer } de paquets ICMP
alert-flood-icmp-explain = { $device } a envoyé jusqu'à { $n } paquets ICMP sans réponse par seconde à { $peer } — une attaque par déni de service.
alert-flood-gre-title = { $device } inonde { $peer } de paquets GRE
alert-flood-gre-explain = { $device } a envoyé jusqu'à { $n } paquets GRE sans réponse par seconde à { $peer }. Un appareil domestique n'a aucune raison d'envoyer du GRE ; Mirai s'en sert pour ses inondations.
alert-flood-tcp-title = { $device } inonde { $peer } en TCP
alert-flood-tcp-explain = { $device } a envoyé jusqu'à { $n } paquets TCP par seconde à { $peer } dans une connexion jamais ouverte correctement et restée sans réponse — une attaque par déni de service.
alert-flood-other-title = { $device } inonde { $peer }
alert-flood-other-explain = { $device } a envoyé jusqu'à { $n } paquets sans réponse par seconde à { $peer } — une attaque par déni de service.
alert-flood-http-title = { $device } participe à une inondation HTTP contre { $peer }
alert-flood-http-explain = { $device } a ouvert jusqu'à { $n } connexions web par seconde vers { $peer } — une inondation HTTP, une attaque par déni de service contre un site web.
alert-flood-dns-water-torture-title = { $device } attaque les serveurs de noms de { $items }
alert-flood-dns-water-torture-explain = { $device } a demandé { $n } noms aléatoires différents sous { $items } en dix secondes, via { $peer }. Cette attaque dite « water torture » surcharge les serveurs de noms du domaine (et le résolveur au passage).
alert-c2-beacon-title = { $device } se signale régulièrement à { $peer }
alert-c2-beacon-explain = { $device } s'est connecté à { $peer } sur le port { $port } à intervalle régulier d'environ { $secs } s ({ $n } fois). Un logiciel malveillant se signale ainsi à son serveur de commande ; certains services légitimes aussi.
alert-c2-heartbeat-title = { $device } garde un canal de commande ouvert vers { $peer }
alert-c2-heartbeat-explain = { $device } garde une connexion ouverte vers { $peer } sur le port { $port } et échange un petit message toutes les { $secs } s presque sans variation ({ $n } fois). C'est ainsi que les bots du botnet Mirai attendent les ordres d'attaque de leur serveur de commande.
alert-c2-random-post-title = { $device } a envoyé des données à { $peer } comme le fait un logiciel malveillant
alert-c2-random-post-explain = { $device } a envoyé des données à { $peer }, un serveur joint par sa seule adresse et non par un nom, sur un chemin aléatoire inventé ({ $n } fois). Les logiciels malveillants se signalent ainsi à leur serveur de commande, avec un nouveau chemin aléatoire à chaque fois pour qu'aucune requête ne ressemble à une autre ; quelques appareils joignent leur propre nuage par adresse, vérifiez donc ce dont il s'agit.
alert-c2-check-ins-title = { $device } se signale sans cesse à { $peer }
alert-c2-check-ins-explain = { $device } a ouvert { $n } connexions courtes vers { $peer } sur le port { $port } en quelques minutes — dix par minute ou plus —, chacune envoyant presque la même requête. Un logiciel malveillant interroge ainsi son serveur de commande pour recevoir des ordres, à intervalles réguliers ou volontairement irréguliers ; un appareil ordinaire se signale à son nuage quelques fois par heure, ou garde une seule connexion ouverte.
alert-c2-dns-tunnel-title = { $device } fait transiter des données par le DNS ({ $items })
alert-c2-dns-tunnel-explain = { $device } a demandé { $n } enregistrements texte différents sous { $items } en quelques minutes. Les enregistrements texte peuvent contenir n'importe quoi : les chargeurs de logiciels malveillants et les tunnels s'en servent pour récupérer du code ou des ordres en passant les pare-feu ; les appareils ordinaires n'en demandent presque jamais.
alert-c2-icmp-tunnel-title = { $device } fait passer des données dans des messages « ping » avec { $peer }
alert-c2-icmp-tunnel-explain = { $device } et { $peer } échangent des messages d'écho (« ping ») qui transportent des données : { $peer } a envoyé { $n } réponses, bien plus qu'on ne lui en a demandé, ou les messages sont bien plus gros qu'un ping n'en a besoin. Les outils de tunnel cachent ainsi une connexion à distance pour passer les pare-feu.
alert-blocklist-address-title = { $device } a contacté une adresse sur liste de blocage
alert-blocklist-address-explain = { $device } a échangé du trafic avec { $peer } (port { $port }), qui figure sur la liste de blocage { $list } (entrée { $entry }).
alert-blocklist-name-title = { $device } a contacté un hôte sur liste de blocage
alert-blocklist-name-explain = { $device } a échangé du trafic avec { $peer } (port { $port }) ; le nom qu'il a résolu pour cette adresse figure sur la liste de blocage { $list } (entrée { $entry }).
alert-blocklist-dns-title = { $device } a demandé un nom sur liste de blocage
alert-blocklist-dns-explain = { $device } a demandé { $peer }, qui figure sur la liste de blocage { $list } (entrée { $entry }).
alert-exposure-inbound-title = { $device } accepte des connexions venant d'Internet (port { $port })
alert-exposure-inbound-explain = Des hôtes d'Internet ont ouvert { $n } connexions vers { $device } sur le port { $port }. Quiconque peut le joindre peut essayer son mot de passe ou ses failles ; c'est ainsi que Mirai a trouvé la plupart de ses victimes.
alert-exposure-inbound-behind-title = Des hôtes joints à travers { $device } acceptent des connexions venant d'Internet (port { $port })
alert-exposure-inbound-behind-explain = Des hôtes d'Internet ont ouvert { $n } connexions sur le port { $port } vers { $items }. { $device } transporte le trafic de plusieurs adresses : ce sont des hôtes derrière lui (ou { $device } qui répond sur une adresse Internet à lui), pas forcément { $device } lui-même. Quiconque peut les joindre peut essayer leurs mots de passe ou leurs failles ; c'est ainsi que Mirai a trouvé la plupart de ses victimes.
alert-exposure-upnp-port-mapping-title = { $device } a demandé au routeur d'ouvrir un port
alert-exposure-upnp-port-mapping-explain = { $device } a demandé au routeur, par UPnP, de rediriger vers lui un port venant d'Internet ({ $items }). Il devient ainsi joignable par n'importe qui sur Internet.
alert-exposure-dns-bypass-title = { $device } contourne le DNS de votre réseau
alert-exposure-dns-bypass-explain = { $device } a envoyé ses requêtes DNS directement à { $peer } au lieu du résolveur fourni par votre réseau ; le filtrage et la journalisation de votre réseau ne s'appliquent donc pas à lui.
alert-exposure-encrypted-dns-title = { $device } utilise un DNS chiffré public
alert-exposure-encrypted-dns-explain = { $device } échange avec un service public de DNS chiffré ({ $peer }). Ses requêtes sont invisibles pour votre réseau : les listes de blocage et le filtrage ne peuvent pas les voir.
alert-behaviour-change-new-destinations-title = { $device } s'est mis à faire des choses nouvelles
alert-behaviour-change-new-destinations-explain = Après sa période d'apprentissage, { $device } a eu besoin de { $n } types de connexion qu'il n'avait jamais établis (par exemple : { $items }). Une mise à jour du micrologiciel peut l'expliquer ; un piratage aussi.
detect-error-syntax = --detect : « { $setting } » n'est pas de la forme NOM=VALEUR (voir iotgate analyze --help)
detect-error-key = --detect : aucun seuil ne s'appelle « { $key } » (voir iotgate analyze --help)
detect-error-value = --detect : « { $value } » n'est pas une valeur valide pour { $key }
detect-help-head = Seuils de détection (à régler avec --detect NOM=VALEUR[,NOM=VALEUR] ; docs/detection.md justifie chaque valeur par défaut) :
blocklist-error-line = { $path }, ligne { $line } : « { $text } » n'est ni une adresse, ni un réseau (CIDR), ni un nom d'hôte
blocklist-error-size = { $path } : plus de { $max } Mio
detect-key-scan-window = secondes pendant lesquelles les compteurs de balayage s'accumulent
detect-key-scan-slow-window = secondes pendant lesquelles s'accumulent les cibles distinctes d'un balayage lent (TCP, tout port) ; deux fois scan-targets d'entre elles, presque sans réponse, font un balayage
detect-key-scan-targets = adresses distinctes essayées sur un même port pour un balayage horizontal
detect-key-scan-ports = ports distincts essayés sur un même hôte pour un balayage vertical
detect-key-scan-answered = part maximale de sondes ayant reçu une réponse pour parler de balayage (0-1)
detect-key-mirai-syns = SYN bruts dont le numéro de séquence égale l'adresse visée (Mirai) pour une alerte
detect-key-stealth-probes = sondes TCP NULL/FIN/Xmas pour une alerte
detect-key-brute-sessions = sessions de connexion d'une source vers un service dans la fenêtre
detect-key-brute-http-sessions = sessions vers le port web d'un appareil dans la fenêtre (gravité faible)
detect-key-brute-window = fenêtre de la force brute, en secondes
detect-key-flood-syn = nouvelles connexions sans réponse par seconde vers une victime (inondation SYN)
detect-key-flood-ack = flux ACK isolés par seconde vers une victime (inondation ACK)
detect-key-flood-udp-flows = nouveaux flux UDP par seconde vers une victime
detect-key-flood-icmp-flows = nouveaux flux ICMP par seconde vers une victime
detect-key-flood-http = connexions web abouties par seconde vers une victime (inondation HTTP)
detect-key-flood-pps = paquets sans réponse par seconde dans un même flux UDP ou TCP
detect-key-flood-icmp-pps = paquets sans réponse par seconde dans un même flux ICMP ou GRE
detect-key-flood-dns-names = noms distincts sous un même domaine en 10 s (DNS « water torture »)
detect-key-flood-baseline-x = une inondation doit aussi dépasser ce multiple du débit habituel de l'appareil
detect-key-beacon-min = intervalles réguliers (ou silences) avant de signaler une balise
detect-key-beacon-jitter = dispersion maximale des intervalles d'une balise, relative à la moyenne (0-1)
detect-key-beacon-min-interval = intervalle minimal d'une balise, en secondes
detect-key-learn-window = fenêtre d'apprentissage du changement de comportement, en secondes depuis le premier flux de l'appareil
detect-key-change-new = nouveaux types de connexion après la fenêtre pour une alerte
cli-detect = Régler la détection : NOM=VALEUR[,NOM=VALEUR] (répétable), ou « off » pour couper tous les détecteurs
cli-blocklist = Une liste de blocage à appliquer (répétable) : une adresse, un réseau (CIDR) ou un nom d'hôte par ligne, ou des lignes au format hosts ; # commence un commentaire
cli-stress = Au lieu d'un réseau domestique, écrire une capture de stress venant d'un seul appareil : random-scan (SYN vers des adresses et ports aléatoires) ou spoofed-syn-flood (SYN vers une victime depuis des adresses falsifiées)
sim-stress-done = { $packets } paquets de stress ({ $bytes } octets) écrits dans { $path }
cli-evaluate = Noter les détecteurs face à des attaques simulées : précision, rappel et délai par détecteur
cli-evaluate-long = Simule une capture par graine (dix appareils, dont une caméra infectée qui balaie comme Mirai, garde un canal de commande et inonde une victime ; des faiblesses plantées comme une ouverture UPnP et un résolveur codé en dur), l'analyse avec tous les détecteurs et une liste de blocage contenant le serveur de commande simulé, puis compare les alertes à la vérité terrain du simulateur. Une alerte est juste quand l'appareil qu'elle désigne a bien fait ce qu'elle rapporte. Avec --corpus DIR, il évalue plutôt des captures réelles, face aux alertes qu'attend DIR/expected.tsv (trouvées, manquées, fausses alertes moyennes ou plus par type, puis une ligne par capture).{ "\u000A\u000A" }Exemples :{ "\u000A" }  iotgate evaluate --seeds 1,2,3 --packets 400000{ "\u000A" }  iotgate evaluate --corpus ../shared/data/attacks
cli-eval-seeds = Graines du simulateur, séparées par des virgules
cli-eval-packets = Paquets par capture simulée (assez pour les battements du canal de commande : 400 000 font environ 12 minutes)
cli-eval-corpus = Évaluer plutôt les détecteurs sur un corpus étiqueté de captures réelles : DIR contient les captures et expected.tsv (file, expect, attacker, victim) ; les options du simulateur sont alors ignorées
eval-corpus-head = Détection sur le corpus étiqueté { $dir } ({ $n } captures) : une alerte attendue est trouvée quand une alerte de ce type désigne l’attaquant (et la victime, si elle est donnée) ; une fausse alerte est toute autre alerte de gravité moyenne ou plus
eval-corpus-col-expect = attendu
eval-corpus-col-captures = captures
eval-corpus-col-missed = manquées
eval-corpus-col-false = fausses alertes (moyennes ou plus)
eval-corpus-found = trouvée
eval-corpus-missed = MANQUÉE
eval-corpus-false = FAUSSE ALERTE { $alerts }
eval-corpus-quiet = calme
eval-corpus-info = non jugée
eval-corpus-seen = alertes : { $alerts }
eval-corpus-bad-line = { $path }, ligne { $line } : { $problem }
eval-flow-head = Détection en mode flux face à la vérité terrain de l’opérateur simulé — graines { $seeds }, { $subscribers } abonnés chacune (exports { $format } ; { $devices } appareils et { $packets } paquets par foyer ; 3 foyers avec une caméra infectée par Mirai, dont une qui inonde, et 2 avec le bot plus discret), notée par abonné
cli-eval-netflow = Noter plutôt le mode flux : un opérateur simulé par graine (--subscribers foyers, --devices et --packets par foyer, 6 et 60 000 par défaut) exporté en v9 ou ipfix, passé au collecteur avec sa table des abonnés, alertes notées par abonné
eval-head = Détection face à la vérité terrain du simulateur — graines { $seeds }, { $packets } paquets et { $devices } appareils chacune (changement de comportement avec une fenêtre d’apprentissage de { $window } s : la caméra simulée est infectée 30 s après son arrivée)
eval-col-detector = détecteur
eval-col-planted = plantés
eval-col-found = trouvés
eval-col-alerts = alertes
eval-col-precision = précision
eval-col-recall = rappel
eval-col-delay = alerte la plus lente (s après le début)
alert-scan-sweep-title = { $device } balaie Internet sur des ports au hasard
alert-scan-sweep-explain = { $device } a tenté de joindre environ { $targets } (± { $error } %) adresses différentes sur des ports de toute la plage, et presque aucune n'a répondu. Aucun appareil ordinaire ne fait cela : il cherche des victimes ou cartographie des réseaux.

## Labels (iotgate label)
label-title = Étiquette de sécurité de { $device } — évaluée le { $date } à partir de : { $sources }
label-source-capture = la capture
label-source-probe = une sonde
label-source-declaration = la déclaration du fabricant
label-schemes = Ce que disent les preuves pour chaque référentiel (iotgate ne délivre jamais de label officiel) :
label-scheme = { $name } { $version } : { $verdict }
label-verdict-supported = les preuves le confirment
label-verdict-contradicted = les preuves le contredisent
label-verdict-not-settled = non tranché
label-counts = { $passed } conformes, { $failed } non conformes, { $open } non évaluées
label-failed-heading = Ce qui échoue, et ce que vous pouvez faire :
with-detail = { $what } : { $detail }
label-means = Ce que cela signifie :
label-todo = Ce que vous pouvez faire :
label-details-heading = Toutes les exigences (✓ conforme, ✗ non conforme, ? non évaluée ; M obligatoire, Mc obligatoire si applicable, R recommandée) :
label-ev-finding = { $finding } ({ $role }, avec { $peer } port { $port }, { $count } { $count ->
    [one] fois
   *[other] fois
  })
label-role-client = l'appareil s'est connecté
label-role-server = quelqu'un s'est connecté à l'appareil
label-ev-no-cleartext-login = aucun mot de passe, jeton ni clé envoyé en clair dans { $sessions } sessions TCP
label-ev-no-cleartext-data = aucun protocole de données non chiffré, requête HTTP en clair ni donnée lisible non identifiée dans { $sessions } sessions TCP ({ $protocols })
label-session-tls = TLS
label-session-ssh = SSH
label-session-http = HTTP
label-session-rtsp = RTSP
label-session-mqtt = MQTT
label-session-telnet = Telnet
label-session-text-command = commandes FTP/courriel
label-session-vnc = VNC
label-session-rdp = RDP
label-session-dns = DNS
label-session-unidentified-text = texte non identifié
label-session-unidentified-binary = binaire non identifié
label-ev-http-sessions = HTTP non chiffré dans { $sessions } { $sessions ->
    [one] session TCP
   *[other] sessions TCP
  } de l'appareil (envoyées ou servies)
label-ev-http = HTTP non chiffré vers { $servers } { $servers ->
    [one] serveur
   *[other] serveurs
  } ({ $flows } connexions), par ex. { $first }
label-ev-tls = propose { $versions } à { $servers } { $servers ->
    [one] serveur
   *[other] serveurs
  }
label-ev-service = répond en { $service } sur le port { $port } (à { $peer })
label-ev-alert = { $title } ({ $severity }, { $at })
label-ev-default-login = a accepté un mot de passe d'usine en { $service } port { $port } (utilisateur { $user })
label-ev-declared = déclaré : { $key } = { $value }
label-ev-support-ended = les mises à jour de sécurité ont pris fin le { $date }
label-ev-deemed = réputée satisfaite par { $reqs }
label-why-no-traffic = la capture ne montre aucun trafic de cet appareil
label-sees-all = toutes les sessions TCP avec données
label-sees = lit { $protocols } : il en faut au moins { $min } pour conclure, la capture en a { $sessions }
label-sees-fails-only = lit { $protocols } : peut montrer un problème, jamais son absence
label-why-scope = trop peu pour juger : cette vérification lit { $protocols }, et il en faut au moins { $min } pour conclure (la capture en a { $sessions })
label-why-little-traffic = trop peu de trafic pour juger : { $sessions } sessions TCP dans la capture, il en faut { $min }
label-why-unidentified = { $count } des { $sessions } sessions TCP de l'appareil utilisent des protocoles qu'iotgate ne sait pas identifier : impossible de dire si elles sont chiffrées
label-why-nothing-open = la sonde n'a trouvé aucun service ouvert dont lire la bannière
label-why-no-tls = l'appareil n'a ouvert aucune connexion TLS dans la capture
label-why-needs-probe = une capture ne montre que les services utilisés ; une sonde (iotgate probe) peut lister ceux qui répondent
label-why-absence = rien d'anormal n'a été vu, mais une capture ne peut pas prouver que cela n'arrive jamais
label-why-not-probed = aucune sonde n'a été lancée (ajoutez --probe ADRESSE)
label-why-defaults-refused = aucun des mots de passe d'usine d'iotgate n'a fonctionné sur { $services } { $services ->
    [one] service
   *[other] services
  }, ce qui ne prouve pas que chaque appareil a le sien
label-why-not-declared = la déclaration du fabricant ne le dit pas (ou aucune n'a été fournie)
label-why-not-network-equipment = ne concerne que les équipements réseau (routeurs, passerelles) ; l'appareil n'est pas déclaré comme tel et la capture ne le montre relayer aucun trafic pour d'autres
label-why-lab = seul un laboratoire agréé peut l'évaluer
label-why-documentation = le réseau ne peut pas le montrer : il faut la documentation du fabricant
label-why-no-check = iotgate n'a pas encore de vérification pour cela
label-why-includes = { $count } { $count ->
    [one] exigence incluse n'est pas évaluée
   *[other] exigences incluses ne sont pas évaluées
  }
label-why-lab-after = seul un laboratoire agréé peut l'évaluer, une fois satisfaites les exigences sur lesquelles il s'appuie ({ $count } pas encore)
label-tier-reached = les preuves confirment le niveau { $level }
label-tier-contradicted = les preuves contredisent le niveau { $level }
label-tier-next = le niveau { $level } attend : { $reqs }
label-tier-next-lab = le niveau { $level } demande un laboratoire agréé
label-weak-seen = { $count } { $count ->
    [one] faiblesse observée
   *[other] faiblesses observées
  }
label-weak-counts = { $failed } observées, { $passed } non observées, { $open } non évaluées
label-weak-none = aucune faiblesse observée
label-weak-open = aucune faiblesse observée ; { $open } non évaluées
label-check-cleartext-login = Mots de passe envoyés sans chiffrement
label-check-cleartext-login-means = N'importe qui sur le même réseau, ou sur le chemin vers le serveur, peut lire le mot de passe et se connecter à votre place.
label-check-cleartext-login-do = Désactivez la connexion Telnet, FTP ou HTTP simple dans les réglages ; sinon, placez l'appareil sur un réseau séparé et changez son mot de passe.
label-check-cleartext-login-served = Connexions à l'appareil sans chiffrement
label-check-cleartext-login-served-means = On se connecte à l'appareil lui-même (Telnet, FTP, sa page web) sans chiffrement : n'importe qui sur le réseau peut lire le mot de passe et en prendre le contrôle.
label-check-cleartext-login-served-do = Désactivez Telnet ou FTP et n'utilisez que la page chiffrée (HTTPS) ou l'application ; changez le mot de passe ; sinon, placez l'appareil sur un réseau séparé.
label-check-login-service-cleartext = Un service de connexion sans chiffrement
label-check-login-service-cleartext-means = L'appareil répond sur Telnet ou FTP, qui reçoivent le mot de passe en clair : n'importe qui sur le réseau peut le lire quand quelqu'un se connecte.
label-check-login-service-cleartext-do = Désactivez Telnet et FTP dans les réglages de l'appareil ; si c'est impossible, placez-le sur un réseau séparé.
label-check-cleartext-data = Données envoyées sans chiffrement
label-check-cleartext-data-means = Vidéo, messages ou commandes circulent en clair : d'autres personnes sur le réseau peuvent les voir ou les modifier.
label-check-cleartext-data-do = Cherchez une option « chiffrée » ou « sécurisée » (RTSPS, MQTT sur TLS, HTTPS) et mettez le micrologiciel à jour ; sinon, isolez l'appareil.
label-check-cleartext-personal = Données personnelles sensibles envoyées sans chiffrement
label-check-cleartext-personal-means = Jetons, numéros de série, noms de réseau, positions ou images de votre domicile circulent en clair : quiconque se trouve sur le chemin peut les lire, savoir qui vous êtes et où, ou agir à votre place.
label-check-cleartext-personal-do = Mettez à jour le micrologiciel et demandez au fabricant de passer ces connexions en HTTPS ou un autre protocole chiffré ; en attendant, placez l'appareil sur un réseau séparé.
label-why-clear-not-personal = des données circulent en clair, mais rien ne montre s'il s'agit de données personnelles sensibles
label-check-tls-version = Chiffrement à jour (TLS 1.2 ou plus récent)
label-check-tls-version-means = L'appareil propose encore des versions de chiffrement aux failles connues : ses connexions peuvent être affaiblies puis lues.
label-check-tls-version-do = Installez les mises à jour du fabricant ; si aucune ne retire les anciennes versions, préférez un produit limité à TLS 1.2 ou plus récent.
label-check-exposed-services = Services à risque ouverts sur le réseau
label-check-exposed-services-means = L'appareil répond sur des services de connexion à distance que les botnets comme Mirai essaient en premier.
label-check-exposed-services-do = Désactivez le service dans les réglages, bloquez-le sur votre box, et vérifiez que le mot de passe n'est pas celui d'usine.
label-check-upnp-mapping = Ouvre seul des ports sur votre box
label-check-upnp-mapping-means = L'appareil a demandé à votre box de laisser Internet le joindre directement, ce qui l'expose aux attaques.
label-check-upnp-mapping-do = Désactivez l'UPnP sur votre box, ou au moins l'accès à distance de l'appareil.
label-check-dns-bypass = Ignore les réglages DNS de votre réseau
label-check-dns-bypass-means = L'appareil envoie ses requêtes à un résolveur de son choix, en contournant vos filtres et vos réglages de confidentialité.
label-check-dns-bypass-do = Bloquez sur la box le DNS sortant sauf vers votre résolveur, et demandez au fabricant pourquoi.
label-check-compromise = Trafic d'attaque venant de l'appareil
label-check-compromise-means = L'appareil se comporte comme un membre d'un botnet : il a probablement été piraté.
label-check-compromise-do = Débranchez-le, réinitialisez-le, mettez-le à jour, choisissez un nouveau mot de passe, puis surveillez-le avec iotgate.
label-check-default-credentials = Mot de passe d'usine accepté
label-check-default-credentials-means = Quiconque connaît le mot de passe d'usine publié peut prendre le contrôle de l'appareil, comme Mirai l'a fait avec des millions de caméras.
label-check-default-credentials-do = Changez le mot de passe maintenant, coupez le service si vous ne l'utilisez pas, et préférez les appareils qui imposent un mot de passe unique.
label-check-default-credentials-ask = Chaque appareil a-t-il son propre mot de passe, ou dois-je en choisir un avant la première utilisation ?
label-check-declared-password = Mots de passe uniques ou choisis (déclaré)
label-check-declared-password-means = Le fabricant indique que tous les appareils sont livrés avec le même mot de passe.
label-check-declared-password-do = Changez-le avant de connecter l'appareil, et choisissez des produits qui ne partagent pas leurs mots de passe.
label-check-declared-password-ask = Le mot de passe par défaut est-il le même pour tous les appareils de ce modèle ?
label-check-declared-disclosure = Un moyen de signaler les failles (déclaré)
label-check-declared-disclosure-means = Personne ne peut signaler une faille au fabricant : elle a moins de chances d'être corrigée.
label-check-declared-disclosure-do = Préférez les fabricants qui publient une politique de divulgation des vulnérabilités.
label-check-declared-disclosure-ask = Où signaler un problème de sécurité, et le fabricant répond-il ?
label-check-declared-support-period = Mises à jour de sécurité promises jusqu'à une date (déclaré)
label-check-declared-support-period-means = L'appareil ne reçoit plus de mises à jour de sécurité, ou aucune date n'est promise : les nouvelles failles resteront ouvertes.
label-check-declared-support-period-do = Remplacez un appareil dont le support est terminé, ou gardez-le sur un réseau isolé.
label-check-declared-support-period-ask = Jusqu'à quelle date cet appareil recevra-t-il des mises à jour de sécurité ?
label-check-declared-updates = Logiciel modifiable par mise à jour (déclaré)
label-check-declared-updates-means = Le logiciel de l'appareil ne peut pas être mis à jour : les failles découvertes plus tard ne seront jamais corrigées.
label-check-declared-updates-do = Préférez des produits qui se mettent à jour ; isolez celui-ci.
label-check-declared-updates-ask = Le logiciel peut-il être mis à jour, et comment ?
label-check-declared-automatic-updates = Mises à jour automatiques (déclaré)
label-check-declared-automatic-updates-means = Les mises à jour attendent que vous les installiez : beaucoup d'appareils restent vulnérables.
label-check-declared-automatic-updates-do = Vérifiez régulièrement les mises à jour dans l'application ou la page web.
label-check-declared-automatic-updates-ask = Les mises à jour de sécurité s'installent-elles automatiquement ?
label-check-declared-signed-updates = Authenticité des mises à jour vérifiée (déclaré)
label-check-declared-signed-updates-means = L'appareil installe des mises à jour sans vérifier leur auteur : une fausse mise à jour pourrait le piéger.
label-check-declared-signed-updates-do = Ne mettez à jour que depuis l'application ou le site officiel, et préférez les produits qui signent leurs mises à jour.
label-check-declared-signed-updates-ask = L'appareil vérifie-t-il une signature sur chaque mise à jour avant de l'installer ?
label-check-declared-data = Pratiques de données publiées (déclaré)
label-check-declared-data-means = Impossible de savoir quelles données personnelles l'appareil collecte ni qui les reçoit.
label-check-declared-data-do = Interrogez le fabricant, et limitez ce à quoi vous reliez l'appareil.
label-check-declared-data-ask = Quelles données l'appareil collecte-t-il, où sont-elles stockées, sont-elles partagées ou vendues ?
label-check-declared-held-label = Un label CLS ou JC-STAR en cours de validité (déclaré)
label-check-declared-held-label-means = En droit britannique (SI 2025/1267), un produit titulaire d'un label CLS de Singapour ou JC-STAR STAR-1 japonais en cours de validité est réputé satisfaire les exigences de sécurité du PSTI.
label-check-declared-held-label-do = Vérifiez le label dans le registre public du dispositif avant de vous y fier.
label-check-declared-held-label-ask = Le produit détient-il un label CLS de Singapour ou JC-STAR japonais en cours de validité, et jusqu'à quand ?
label-held-cls = label CLS de Singapour niveau { $level }, valable jusqu'au { $expires }
label-held-jc-star = label JC-STAR STAR-{ $level }, valable jusqu'au { $expires }
label-why-label-expired = les labels déclarés ont expiré : { $labels }
label-check-declared-sbom = Nomenclature logicielle (déclaré)
label-check-declared-sbom-means = Personne ne peut vérifier si l'appareil contient des logiciels aux failles connues.
label-check-declared-sbom-do = Préférez les fabricants qui publient la liste des composants logiciels.
label-check-declared-sbom-ask = La liste des composants logiciels (SBOM) est-elle publiée ?
label-checklist-title = Questions à poser avant d'acheter un appareil connecté :
label-checklist-footer = Notez les réponses dans un fichier de déclaration (voir docs/labels.md) et lancez iotgate label --declaration FICHIER : elles comptent alors dans l'étiquette.
label-err-no-device = aucun appareil { $mac } dans la capture (appareils vus : { $seen })
label-err-bad-mac = { $mac } n'est pas une adresse MAC (attendu : aa:bb:cc:dd:ee:ff)
label-err-need-capture = donnez au moins une capture (--capture FICHIER) et --device MAC, ou --checklist
label-err-too-big = { $file } : plus de { $limit } octets ; une déclaration est un court fichier texte
label-err-not-text = { $file } : pas du texte UTF-8 (octet { $offset })
label-err-bad-date = --date { $date } n'est pas une date (AAAA-MM-JJ)
cli-label-about = Évaluer un appareil au regard de plusieurs référentiels de sécurité à la fois (ETSI EN 303 645, PSTI britannique, NISTIR 8425, CLS de Singapour, CRA européen, EN 18031-1, OWASP IoT Top 10) à partir d'une capture et, au besoin, de la déclaration du fabricant, et expliquer le résultat.
cli-label-long = Construit l'étiquette de sécurité d'un appareil : chaque exigence d'ETSI EN 303 645, du PSTI britannique, de NISTIR 8425, du CLS de Singapour, du règlement européen sur la cyberrésilience, d'EN 18031-1 et de l'OWASP IoT Top 10, conforme, non conforme ou non évaluée, avec les preuves, un verdict par référentiel, et ce que chaque échec signifie pour vous et ce que vous pouvez faire. La capture montre ce que l'appareil fait sur le réseau ; la déclaration du fabricant répond à ce que le réseau ne peut pas montrer (docs/labels.md). iotgate ne délivre jamais de label officiel.{ "\u000A\u000A" }Exemples :{ "\u000A" }  iotgate label --capture maison.pcap --device 50:c7:bf:0f:ae:cc{ "\u000A" }  iotgate label -c maison.pcap -d 50:c7:bf:0f:ae:cc --declaration prise.toml --format json{ "\u000A" }  iotgate label --checklist
cli-label-capture = Capture(s) où l'appareil communique (répétable).
cli-label-device = L'adresse MAC de l'appareil.
cli-label-declaration = La déclaration du fabricant (TOML ; docs/labels.md) : durée de support, politique de divulgation, mises à jour, mots de passe, données, SBOM.
cli-label-checklist = Afficher les questions à poser avant d'acheter un appareil, puis quitter.
cli-label-format = Sortie : text (par défaut) ou json.
cli-label-date = Évaluer à cette date plutôt qu'aujourd'hui (AAAA-MM-JJ), pour des étiquettes reproductibles.

## Probe (iotgate probe)
probe-warning = sonde de { $address } : { $ports } ports TCP, au plus { $rate } connexions par seconde, et une courte liste de mots de passe d'usine. Ne sondez que des appareils qui vous appartiennent ou que vous avez le droit de tester.
probe-progress = port { $port } : { $step }
probe-title = Sonde de { $address } ({ $attempts } connexions) :
probe-nothing-open = aucun port n'a répondu
probe-accepted = ✗ { $service } sur le port { $port } a accepté un mot de passe d'usine (utilisateur { $user }) : n'importe qui peut se connecter. Arrêt ici.
probe-anonymous = ✗ { $service } sur le port { $port } accepte n'importe qui sans mot de passe
probe-refused = ✓ { $service } sur le port { $port } a refusé tous les mots de passe d'usine essayés
probe-err-none = donnez l'adresse à sonder (iotgate probe ADRESSE) ; iotgate ne choisit jamais de cible lui-même
probe-err-range = { $target } est une plage : iotgate sonde un seul appareil, à une adresse que vous donnez
probe-err-address = { $target } n'est pas une adresse IP (l'adresse d'un appareil, par ex. 192.168.1.20)
probe-err-not-one = { $target } n'est pas l'adresse d'un appareil (non spécifiée, diffusion ou multidiffusion)
cli-probe-about = Vérifier un appareil qui vous appartient : services ouverts, ce qu'ils annoncent, et si un mot de passe d'usine fonctionne
cli-probe-long = Se connecte aux ports TCP des services IoT courants (FTP, SSH, Telnet, HTTP, HTTPS, RTSP, MQTT, adb, TR-069) à l'unique adresse donnée, au plus --rate connexions par seconde, note ce que chaque service annonce, et essaie une courte liste intégrée de mots de passe d'usine sur Telnet, SSH, HTTP Basic, FTP et MQTT, en s'arrêtant au premier qui fonctionne. Ne balaie jamais de plage et ne choisit jamais de cible. Ne sondez que des appareils qui vous appartiennent ou que vous avez le droit de tester.{ "\u000A\u000A" }Exemples :{ "\u000A" }  iotgate probe 192.168.1.20{ "\u000A" }  iotgate label --capture maison.pcap --device 50:c7:bf:0f:ae:cc --probe 192.168.1.20
cli-probe-address = L'adresse IP de l'appareil (ni plage, ni nom)
cli-probe-rate = Nombre maximal de nouvelles connexions par seconde (1 à 100)
cli-label-probe = Sonder aussi l'appareil à cette adresse (voir iotgate probe --help) : services ouverts, bannières, mots de passe d'usine
label-ev-service-open = { $service } ouvert sur le port { $port }
label-ev-no-risky-service = ni Telnet, ni FTP, ni adb, ni TR-069 ouvert (ouverts : { $open })
label-ev-banner = { $service } sur le port { $port } annonce { $banner }
label-ev-no-version = aucun numéro de version dans ce { $open ->
    [one] qu'annonce le service ouvert
   *[other] qu'annoncent les { $open } services ouverts
  }
label-ev-anonymous = { $service } sur le port { $port } accepte n'importe qui sans mot de passe
label-check-banner-disclosure = Annonce ses versions logicielles
label-check-banner-disclosure-means = N'importe qui sur le réseau apprend les versions exactes des logiciels de l'appareil, donc quelles failles publiées essayer.
label-check-banner-disclosure-do = Gardez le micrologiciel à jour ; demandez au fabricant de ne plus annoncer ses versions.
label-check-unauthenticated-access = Commande sans mot de passe
label-check-unauthenticated-access-means = Un service de l'appareil accepte n'importe qui sans mot de passe : d'autres personnes sur le réseau peuvent lire ses messages ou lui envoyer des commandes.
label-check-unauthenticated-access-do = Activez l'authentification dans les réglages de l'appareil, ou bloquez le service sur votre réseau.

## The label's primary layer (SVG) and detail page (HTML)
svg-title = Étiquette de sécurité
svg-updates = Mises à jour de sécurité
svg-updates-until = promises jusqu'au { $date }
svg-updates-ended = terminées le { $date }
svg-updates-none = aucune promise
svg-updates-unknown = non précisé par le fabricant
svg-password = Mot de passe par défaut
svg-password-accepted = celui d'usine marche : changez-le !
svg-password-shared = le même pour tous les appareils
svg-password-unique = propre à chaque appareil
svg-password-user-set = choisi par vous à l'installation
svg-password-none = pas de connexion par mot de passe
svg-password-unknown = non vérifié
svg-encryption = Chiffrement
svg-enc-passwords-clear = mots de passe envoyés en clair
svg-enc-data-clear = données envoyées en clair
svg-enc-legacy = dépassé (avant TLS 1.2)
svg-enc-good = chiffré (TLS 1.2 ou plus récent)
svg-enc-unknown = non observé
svg-data = Vos données
svg-data-bypass = contourne le DNS de votre réseau
svg-data-published = politique de confidentialité publiée
svg-data-none = pas de politique de confidentialité
svg-data-unknown = non précisé par le fabricant
svg-attacks = Attaques venant de l'appareil
svg-attacks-seen = observées : il est sans doute piraté
svg-attacks-not-seen = aucune dans cette capture
svg-scan = Scannez : détails
svg-scan-sub = exigences, preuves, conseils
svg-footer = Vérifié par iotgate le { $date } à partir de preuves — pas une certification officielle.
svg-verdict-supported = confirmé
svg-verdict-contradicted = contredit
svg-verdict-not-settled = non tranché
svg-tier-reached = niveau { $level }
svg-tier-contradicted = niveau { $level } non atteint
svg-weak-seen = { $count } { $count ->
    [one] faiblesse
   *[other] faiblesses
  }
svg-weak-none = aucune observée
svg-weak-open = aucune vue, { $open } ouvertes
html-label-sub = { $mac } · { $kind } · vérifié le { $date } à partir de { $sources }
html-label-schemes = Ce que disent les preuves pour chaque référentiel
html-label-not-official = iotgate indique ce que les preuves confirment ou contredisent ; seul le processus de chaque référentiel délivre son label.
html-label-nothing-failed = Rien n'échoue dans les preuves dont iotgate disposait.
html-label-ask = À demander au fabricant
html-label-col-id = Réf.
html-label-col-requirement = Exigence
html-label-col-result = Résultat
html-label-col-evidence = Preuves, ou pourquoi ce n'est pas évalué
label-reading-pass = conforme
label-reading-fail = non conforme
label-reading-not-assessed = non évaluée
label-reading-lab-only = laboratoire seulement
label-reading-weakness-seen = faiblesse observée
label-reading-weakness-not-seen = non observée
label-reading-not-applicable = non applicable
html-label-footer = Produit par iotgate à partir d'une capture réseau, d'une sonde facultative et de la déclaration du fabricant. Les intitulés des exigences sont de courts résumés ; seules les normes font foi.
cli-label-svg = Écrire l'étiquette (la partie pour la boîte : mises à jour, mot de passe, chiffrement, données, référentiels) en SVG dans ce fichier
cli-label-html = Écrire la page de détail (chaque exigence, preuves, conseils) en un seul fichier HTML
cli-label-url = Où la page de détail sera publiée : le code QR de l'étiquette y renvoie (par défaut : le nom du fichier HTML)
label-wrote = { $path } écrit
cli-label-mud = Le profil MUD de l'appareil (RFC 8520) : son statut de support et sa SBOM comptent comme parole du fabricant, et la capture est contrôlée au regard du profil
label-mud-sbom-local = fournie par l'appareil lui-même
label-source-mud = son profil MUD
label-ev-mud-unsupported = son profil MUD ({ $source }) indique que le fabricant ne le prend plus en charge
label-ev-mud-sbom = le profil MUD renvoie à sa SBOM : { $sbom }
label-ev-mud-kept = les { $flows } flux respectent son profil MUD
label-ev-mud-violation = { $proto } vers { $remote } port { $port } n'est pas dans son profil MUD ({ $flows } flux)
label-why-no-mud = aucun profil MUD fourni (--mud FICHIER)
label-why-mud-supported = le profil MUD ne dit pas jusqu'à quand l'appareil est pris en charge
label-why-mud-no-sbom = le profil MUD ne renvoie à aucune SBOM
label-check-mud-supported = Toujours pris en charge (profil MUD)
label-check-mud-supported-means = Le fabricant lui-même déclare l'appareil non pris en charge : plus aucun correctif de sécurité ne viendra.
label-check-mud-supported-do = Prévoyez de le remplacer ; en attendant, gardez-le sur un réseau séparé.
label-check-mud-sbom = Nomenclature logicielle (profil MUD)
label-check-mud-sbom-means = Le profil MUD ne renvoie à aucune liste des composants logiciels.
label-check-mud-sbom-do = Demandez au fabricant de publier une SBOM (la RFC 9472 permet au profil MUD d'y renvoyer).
label-check-mud-conformance = Respecte le comportement déclaré (MUD)
label-check-mud-conformance-means = L'appareil contacte des destinations que son fabricant n'a pas déclarées : signe de fonctions en plus, d'une mauvaise configuration ou d'un piratage.
label-check-mud-conformance-do = Examinez les destinations listées ; appliquez le profil sur votre routeur (iotgate mud enforce) pour ne laisser passer que le trafic déclaré.
label-ev-weak-suites = propose des suites de chiffrement cassées : { $suites }
label-ev-suites-ok = aucune suite de chiffrement cassée dans ses { $hellos } { $hellos ->
    [one] empreinte
   *[other] empreintes
  } TLS
label-ev-update-clear = télécharge depuis le serveur de mises à jour { $server } sans chiffrement (port { $port })
label-ev-update-tls = interroge le serveur de mises à jour { $server } en TLS ({ $flows } connexions)
label-why-no-update = aucune connexion à un serveur de mises à jour dans la capture
label-check-tls-suites = Pas de suites de chiffrement cassées
label-check-tls-suites-means = L'appareil propose encore des méthodes de chiffrement connues pour être cassables (RC4, DES, 3DES, export ou aucune) ; un serveur ou un attaquant peut les choisir.
label-check-tls-suites-do = Mettez le micrologiciel à jour ; si le fabricant ne les retire pas, préférez un autre produit.
label-check-update-channel = Mises à jour par un canal chiffré
label-check-update-channel-means = L'appareil télécharge depuis son serveur de mises à jour sans chiffrement : quelqu'un sur le chemin pourrait lui fournir un logiciel malveillant.
label-check-update-channel-do = Ne mettez à jour que par l'application officielle, gardez l'appareil sur un réseau que vous maîtrisez, et demandez au fabricant des mises à jour en HTTPS.
label-check-mud-supported-ask = Le fabricant publie-t-il un profil MUD (RFC 8520) pour l'appareil, afin que votre routeur ne laisse passer que ce dont il a besoin ?
label-topic-passwords = Mots de passe et connexions
label-topic-passwords-means = C'est par des mots de passe faibles ou partagés que des botnets comme Mirai ont pris le contrôle de millions de caméras et de routeurs.
label-topic-passwords-do = Donnez à l'appareil un mot de passe solide qui lui est propre et coupez les connexions à distance inutiles.
label-topic-vulnerability-reporting = Signaler les problèmes de sécurité
label-topic-vulnerability-reporting-means = Les chercheurs qui trouvent une faille doivent pouvoir prévenir le fabricant, sinon elle a moins de chances d'être corrigée.
label-topic-vulnerability-reporting-do = Avant d'acheter, cherchez sur le site du fabricant un contact sécurité ou une politique de divulgation.
label-topic-updates = Mises à jour de sécurité
label-topic-updates-means = Tout produit a des failles ; seules les mises à jour les corrigent, et seulement si elles arrivent intactes.
label-topic-updates-do = Activez les mises à jour automatiques et installez celles que propose l'application.
label-topic-support-period = Durée des mises à jour
label-topic-support-period-means = Une fois le support terminé, les nouvelles failles restent ouvertes tant que vous utilisez l'appareil.
label-topic-support-period-do = Préférez les appareils dont la date de fin est publiée et lointaine ; remplacez ou isolez ceux qui l'ont dépassée.
label-topic-secrets = Clés et secrets dans l'appareil
label-topic-secrets-means = Des clés et mots de passe mal stockés peuvent être extraits et servir contre tous les appareils du modèle.
label-topic-secrets-do = Impossible à vérifier vous-même : demandez au fabricant comment les secrets sont protégés, ou cherchez un label testé.
label-topic-communication = Chiffrement de ce qu'il envoie
label-topic-communication-means = Sans chiffrement solide, d'autres personnes sur le réseau ou sur le chemin du cloud peuvent lire ou modifier ce que l'appareil envoie.
label-topic-communication-do = Gardez le micrologiciel à jour et l'appareil sur un réseau de confiance.
label-topic-interfaces = Portes ouvertes : services et accès
label-topic-interfaces-means = Chaque service ouvert sur le réseau est une porte qu'un attaquant peut essayer.
label-topic-interfaces-do = Coupez les fonctions et accès à distance inutiles, et bloquez-les sur votre box.
label-topic-integrity = Résistance aux manipulations
label-topic-integrity-means = L'appareil doit refuser un logiciel modifié ou des entrées malformées au lieu de les exécuter.
label-topic-integrity-do = N'installez que le logiciel du fabricant et gardez-le à jour.
label-topic-privacy = Vos données personnelles
label-topic-privacy-means = L'appareil peut collecter des données sur vous et votre foyer et les envoyer ailleurs.
label-topic-privacy-do = Lisez la politique de confidentialité, coupez les partages non souhaités et demandez ce qui est collecté.
label-topic-resilience = Fonctionner malgré coupures et attaques
label-topic-resilience-means = Un appareil qui s'arrête quand Internet ou le courant coupe peut vous laisser sans chauffage, serrure ou alarme.
label-topic-resilience-do = Vérifiez qu'il fonctionne en local et se reconnecte seul après une coupure.
label-topic-deletion = Effacer vos données
label-topic-deletion-means = Quand vous vendez ou jetez l'appareil, vos données et comptes peuvent y rester, ou dans le cloud.
label-topic-deletion-do = Apprenez à le réinitialiser et supprimez votre compte cloud avant de vous en séparer.
label-topic-setup = Installation sûre et information
label-topic-setup-means = Les réglages de sécurité n'aident que si vous pouvez les trouver, les comprendre et les vérifier.
label-topic-setup-do = Suivez les conseils de sécurité du fabricant et vérifiez les réglages après l'installation.
label-topic-monitoring = Repérer les attaques
label-topic-monitoring-means = L'appareil, ou ce qui le surveille, doit repérer et signaler les attaques.
label-topic-monitoring-do = Surveillez-le avec un outil comme iotgate, qui examine son trafic pour vous.
label-topic-vulnerabilities = Failles connues de ses composants
label-topic-vulnerabilities-means = Un appareil construit avec des composants dépassés hérite de leurs failles publiées.
label-topic-vulnerabilities-do = Préférez les fabricants qui publient la liste des composants logiciels et corrigent vite.
label-topic-lab = Tests d'experts
label-topic-lab-means = Seule l'analyse d'un laboratoire ou un test d'intrusion peut le montrer.
label-topic-lab-do = Cherchez un label officiel d'un référentiel qui a testé l'appareil.
label-topic-scheme-level = Un niveau d'un label
label-topic-scheme-level-means = Ce niveau regroupe les exigences indiquées ; il n'est atteint que si toutes le sont.
label-topic-scheme-level-do = Regardez les exigences incluses pour voir ce qui manque.
html-label-why = Pourquoi c'est important
label-assessed-heading = Exigences tranchées par les preuves (✓ conforme, ✗ non conforme ; M obligatoire, Mc obligatoire si applicable, R recommandée ; --all affiche aussi les autres) :
label-open-count = et { $count } non évaluées (--all les liste avec la raison, --html explique chacune)
cli-label-all = Dans le rapport du terminal, lister toutes les exigences, même non évaluées, avec la raison

## Entrées qui ne sont pas des fichiers de capture, parcours de dossiers, lectures bornées (ticket 16).
arg-not-regular = { $path } est { $kind ->
    [fifo] un tube (FIFO)
    [socket] une socket
    [char] un périphérique caractère
    [block] un périphérique bloc
   *[other] autre chose qu'un fichier ordinaire
  }, pas un fichier de capture : iotgate lit des fichiers de capture et des dossiers, et les flux seulement sur l'entrée standard, comme dans : iotgate analyze - < { $path }
scan-skipped = { $path } : ignoré, { $why }
scan-why-not-regular = { $kind ->
    [fifo] un tube (FIFO), pas un fichier : le lire pourrait attendre indéfiniment
    [socket] une socket, pas un fichier
    [char] un périphérique caractère, pas un fichier
    [block] un périphérique bloc, pas un fichier
   *[other] pas un fichier ordinaire
  }
scan-why-empty = fichier vide
scan-why-compressed = compressé ({ $format }) : décompressez-le pour l'analyser
scan-why-unreadable = illisible : { $error }
scan-why-already-scanned = dossier déjà parcouru, atteint de nouveau par un lien
scan-why-same-file = le même fichier que { $other }, atteint par un lien
scan-why-too-deep = à plus de { $depth } niveaux de dossiers
scan-skipped-unlisted = { $path } : { $n } autres entrées ignorées, non listées
scan-not-captures = { $path } : { $n ->
    [one] un fichier n'est pas une capture pcap ou pcapng et a été ignoré
   *[other] { $n } fichiers ne sont pas des captures pcap ou pcapng et ont été ignorés
  } (par exemple { $example })
file-too-large = { $path } : le fichier fait { $bytes } octets ; au plus { $limit } octets sont lus
file-larger-than = { $path } : plus de { $limit } octets, le maximum lu
sim-too-many-devices = « { $value } » n'est pas un nombre d'appareils de 1 à { $max } : le réseau domestique simulé est un seul /24, avec les appareils de 192.168.1.20 à 192.168.1.219
mud-duplicate-key = le membre « { $field } » apparaît plusieurs fois dans cet objet ; les lecteurs JSON ne s'accordent pas sur celui qui compte
url-not-https = l'URL MUD « { $url } » ne commence pas par https://
url-no-host = l'URL MUD « { $url } » ne nomme aucun hôte après https://
url-bad-host = l'hôte de l'URL MUD « { $url } » contient des caractères qui ne peuvent pas nommer un dossier du cache (lettres, chiffres et - . _ ~ : seulement)
url-no-file = l'URL MUD « { $url } » ne nomme aucun fichier après son hôte (elle s'arrête à l'hôte ou par /)
url-bad-segment = l'URL MUD « { $url } » a une partie de chemin, « { $segment } », qui ne peut pas nommer un fichier du cache (lettres, chiffres et - . _ ~ : seulement ; ni . ni ..)
url-scheme-case = l'URL MUD « { $url } » commence par https:// en majuscules ; écrivez le schéma en minuscules (https://) pour qu'elle nomme un fichier du cache

## iotgate serve : le tableau de bord
serve-nav-devices = Appareils
serve-nav-alerts = Alertes
serve-nav-actions = Actions menées
serve-logout = Se déconnecter
serve-login = Se connecter
serve-user-name = Nom d'utilisateur
serve-password = Mot de passe
serve-no-devices = Aucun appareil vu pour l'instant. Les appareils apparaissent ici dès qu'ils émettent.
serve-col-device = Appareil
serve-col-kind = Type
serve-col-vendor = Fabricant
serve-col-addresses = Adresses
serve-col-last-seen = Vu pour la dernière fois
serve-col-first-seen = Vu pour la première fois
serve-col-alerts = Alertes
serve-col-macs = Adresses matérielles (MAC)
serve-col-names = Noms
serve-col-tls = Serveurs sécurisés contactés
serve-col-agents = Logiciels annoncés
serve-col-domains = Noms recherchés
serve-why-kind = Pourquoi ce type
serve-open-alerts = { $count ->
    [one] 1 alerte ouverte
   *[other] { $count } alertes ouvertes
}
serve-findings = Ce que montre le trafic
serve-no-alerts = Aucune alerte. Rien ne s'est comporté comme une attaque ou une infection.
serve-ack = Prendre acte
serve-acked-by = Pris acte par { $who } le { $at }
serve-mute = Taire ce type d'alerte sur cet appareil
serve-for-hours = { $hours ->
    [one] pendant 1 heure
   *[other] pendant { $hours } heures
}
serve-for-good = définitivement
serve-no-actions = Rien n'a encore été fait.
serve-action-ack = a pris acte d'une alerte
serve-action-mute = a tu des alertes
serve-action-quarantine = a mis l'appareil en quarantaine
serve-action-release = a sorti l'appareil de quarantaine
serve-setup-title = Premier démarrage : créer le premier utilisateur
serve-setup-intro = Personne ne peut encore utiliser ce tableau de bord. Choisissez un nom d'utilisateur et un mot de passe (10 caractères au moins) ; vous serez connecté.
serve-create-user = Créer l'utilisateur
serve-setup-needed = Aucun utilisateur n'existe encore. Ouvrez le lien de configuration à usage unique affiché par iotgate au démarrage, ou ajoutez un utilisateur avec : iotgate user add NOM --db CHEMIN
serve-error-internal = Un problème est survenu sur la passerelle. Il a été noté ; réessayez.
serve-error-no-device = Cet appareil n'existe pas.
serve-error-no-alert = Cette alerte n'existe pas.
serve-error-csrf = Cette demande ne vient pas d'une page du tableau de bord ; elle a été refusée. Rechargez la page et réessayez.
serve-error-bad-form = Le formulaire n'a pas été rempli comme prévu.
serve-error-too-many = Trop de tentatives de connexion depuis votre adresse. Patientez une minute.
serve-error-bad-login = Nom d'utilisateur ou mot de passe incorrect.
serve-error-locked = Ce compte est bloqué 15 minutes après trop de mots de passe erronés.
serve-error-setup-link = Ce lien de configuration n'est pas valable (il ne sert qu'une fois, tant qu'aucun utilisateur n'existe).
serve-error-user-exists = Ce nom d'utilisateur est déjà pris.
serve-error-not-found = Cette page n'existe pas.
serve-error-bad-name = Un nom d'utilisateur a de 1 à 64 caractères, sans espace.
serve-error-short-password = Un mot de passe a au moins 10 caractères.
serve-api-unauthorized = Un jeton d'API valable est nécessaire : Authorization: Bearer JETON (à créer avec iotgate token create).
serve-api-internal = La passerelle n'a pas pu répondre ; réessayez.
serve-api-bad-mac = Ce n'est pas une adresse MAC : écrivez-la aa:bb:cc:dd:ee:ff.
serve-api-no-device = Aucun appareil n'a utilisé cette adresse MAC.
serve-api-bad-limit = limit doit être un nombre entier de 1 à 10000.
serve-err-db-open = impossible d'ouvrir la base { $path } : { $detail }
serve-err-db-damaged = la base { $path } est endommagée ({ $detail }) ; restaurez une copie ou déplacez-la pour repartir de zéro
serve-err-db-newer = la base { $path } a été écrite par un iotgate plus récent (schéma { $found }) ; utilisez cette version
serve-err-db = erreur de base de données : { $detail }
serve-err-listen = impossible d'écouter sur { $addr } : { $error }
serve-err-runtime = impossible de démarrer le serveur : { $error }
serve-setup-link = aucun utilisateur : ouvrez { $url } pour créer le premier (le lien ne sert qu'une fois)
serve-listening = tableau de bord sur { $url }
cli-serve-about = La passerelle domestique : inventaire et alertes en direct, gardés dans une base, montrés sur un tableau de bord
cli-serve-long = Analyse une interface en direct (-i), ou une capture rejouée comme si elle était en direct (--replay, --demo), écrit appareils et alertes dans une base SQLite toutes les quelques secondes, et sert un tableau de bord et une API JSON (docs/serve.md). Au premier démarrage, elle affiche un lien à usage unique pour créer le premier utilisateur ; `iotgate user add` le fait sans navigateur, et `iotgate token create` crée des jetons d'API. Arrêtez-la avec Ctrl-C.{ "\u000A\u000A" }Exemples :{ "\u000A" }  iotgate serve --demo{ "\u000A" }  iotgate serve --replay maison.pcap --speed 10 --db maison.db{ "\u000A" }  sudo iotgate serve -i br-lan --db /var/lib/iotgate/iotgate.db
cli-serve-interface = Capturer en direct sur cette interface (nécessite root ou CAP_NET_RAW)
cli-serve-replay = Jouer cette capture comme du trafic en direct
cli-serve-demo = Simuler un réseau domestique avec une caméra infectée, et le jouer (avec une base de données à lui, effacée à l'arrêt, sauf si --db est donné)
cli-serve-speed = Rejouer à N fois le rythme de la capture (0 : aussi vite que possible)
cli-serve-db = La base de données (par défaut : ~/.local/share/iotgate/iotgate.db, créée au besoin)
cli-serve-listen = Adresse du tableau de bord (par défaut : boucle locale seulement ; placez un proxy TLS devant pour y accéder d'ailleurs)
cli-serve-retention = Nombre de jours de conservation des alertes et des actions
cli-serve-secure-cookies = Marquer les cookies de session Secure (le tableau de bord est joint en HTTPS par un proxy)
cli-user-about = Utilisateurs du tableau de bord
cli-user-add-about = Ajouter un utilisateur du tableau de bord ; le mot de passe est lu sur l'entrée standard
cli-user-add-long = Ajoute un utilisateur qui peut se connecter au tableau de bord d'`iotgate serve`. Le mot de passe (10 caractères au moins) est lu sur la première ligne de l'entrée standard, pour qu'il n'apparaisse ni dans la liste des processus ni dans l'historique du shell.{ "\u000A\u000A" }Exemple :{ "\u000A" }  printf '%s\n' "$MOT_DE_PASSE" | iotgate user add alice --db maison.db
cli-user-name = Le nom de l'utilisateur (1 à 64 caractères, sans espace)
cli-user-lang = La langue de l'utilisateur sur le tableau de bord
cli-token-about = Jetons d'API
cli-token-create-about = Créer un jeton pour l'API JSON (/api/v1/) ; il n'est affiché qu'une fois
cli-token-name = Un nom pour reconnaître le jeton dans le journal des actions
serve-demo = démo : un réseau domestique simulé avec une caméra infectée est joué à son rythme
serve-user-added = utilisateur { $name } ajouté à { $db }
serve-token-once = le jeton ci-dessous n'est affiché que cette fois ; la base n'en garde que l'empreinte
serve-err-stdin = impossible de lire le mot de passe sur l'entrée standard : { $error }
serve-metric-iotgate_packets_total = Paquets analysés.
serve-metric-iotgate_flows_total = Flux vus.
serve-metric-iotgate_devices = Appareils de l'inventaire.
serve-metric-iotgate_alerts = Alertes en cours, par gravité.
serve-metric-iotgate_dropped_total = Ce que les bornes de l'analyse ont laissé de côté : adresses MAC au-delà de la taille de l'inventaire, flux évincés d'une table pleine, premiers messages lus segment par segment, trames indécodables, trames que le noyau a jetées parce que l'analyse prenait du retard (capture en direct).
serve-metric-iotgate_snapshots_total = Instantanés écrits dans la base.
serve-metric-iotgate_database_bytes = Taille de la base.
serve-page-of = { $from } à { $to } sur { $total }
serve-newer = ← vus plus récemment
serve-older = vus moins récemment →
serve-api-bad-page = offset et limit doivent être des nombres entiers (limit de 1 à 5000).
serve-merged = Connu sous plusieurs adresses MAC
serve-split = { $mac } est un autre appareil
serve-action-merge = a reconnu un appareil sous une nouvelle adresse MAC
serve-action-split = a séparé une adresse MAC en un appareil distinct
serve-error-no-split = Cette adresse MAC est la seule de l'appareil : il n'y a rien à séparer.
cli-serve-webhook = Envoyer (POST, en JSON) à cette URL chaque nouvelle alerte de gravité moyenne ou plus, sauf si elle est tue (https://, ou http:// vers cette machine)
serve-err-webhook-https = le webhook { $url } doit utiliser https:// (http:// seulement vers cette machine) : les alertes disent ce qui ne va pas sur votre réseau
serve-err-webhook-url = le webhook { $url } n'est pas une URL
serve-nav-settings = Réglages
serve-held = en quarantaine
serve-quarantine = Quarantaine
serve-held-since = En quarantaine depuis { $at }, par { $who } : { $reason }.
serve-not-enforced = Non appliquée : iotgate tourne sans --enforce, cette quarantaine est donc une recommandation consignée ; le trafic de l'appareil n'est pas bloqué.
serve-enforce-failed = Les règles du pare-feu n'ont pas pu être mises en place : { $error }
serve-reason = Motif
serve-release = Libérer
serve-quarantine-what = En quarantaine, un appareil peut encore résoudre des noms, obtenir une adresse (DHCP) et régler son horloge (NTP), et joindre les noms listés ci-dessous (ses serveurs de mise à jour) ; il ne peut rien joindre d'autre, ni Internet ni les autres appareils de la maison, et personne ne peut le joindre.
serve-quarantine-do = Mettre en quarantaine
serve-allow-names = Noms qu'il peut encore joindre en quarantaine (ses serveurs de mise à jour), un par ligne
serve-save = Enregistrer
serve-set-auto = Mettre un appareil en quarantaine de lui-même (sauf si ce type d'alerte est mis en sourdine pour lui)
serve-set-release = Libérer un appareil après ce nombre d'heures sans nouvelle alerte (0 : seulement à la main)
serve-set-resolvers = Serveurs DNS qu'un appareil en quarantaine peut encore interroger, en plus de cette passerelle (adresses séparées par des espaces)
serve-error-bad-names = Chaque ligne doit être un nom DNS (lettres, chiffres, - et _ entre des points), 64 noms au plus.
serve-error-bad-hours = Le nombre d'heures avant la libération doit être un nombre de 0 à 8760.
serve-error-bad-resolvers = Les serveurs DNS doivent être des adresses IP (16 au plus), séparées par des espaces.
serve-api-bad-body = Le corps doit être vide ou un objet JSON avec "reason" (un texte) et, pour une quarantaine, "allow" (une liste de noms DNS).
serve-api-bad-names = « allow » doit lister des noms DNS (64 au plus).
serve-action-allow = a fixé les noms qu'il peut joindre en quarantaine
serve-action-settings = a modifié les réglages
serve-err-enforce = impossible de mettre en place les règles du pare-feu (--enforce demande nftables et root ou CAP_NET_ADMIN) : { $error }
cli-serve-enforce = Agir : appliquer les quarantaines avec nftables (demande -i, root ou CAP_NET_ADMIN) ; sans cette option, les quarantaines sont consignées comme des recommandations
serve-metric-iotgate_quarantined = Appareils en quarantaine (appliquée avec --enforce, recommandée sans).
serve-mud = Profil MUD (ce dont le fabricant dit qu'il a besoin sur le réseau)
serve-mud-held = Tenu au profil { $url }, { $source } par { $who } le { $at }.
serve-mud-source-operator = donné
serve-mud-source-fetched = téléchargé depuis l'adresse annoncée par l'appareil
serve-mud-not-enforced = Non appliqué : iotgate tourne sans --enforce, le profil est donc seulement comparé à ce que fait l'appareil.
serve-mud-names = Noms qu'il déclare :
serve-mud-observed = Ce qu'il a fait, au regard de son profil
serve-mud-declared = déclaré
serve-mud-undeclared = absent de son profil
serve-mud-clear = Ne plus le tenir à ce profil
serve-mud-none = Pas de profil MUD. Collez-en un (JSON, RFC 8520) pour tenir cet appareil à ce que déclare son fabricant : avec --enforce, il ne pourra plus joindre que cela.
serve-mud-set = Le tenir à ce profil
serve-error-bad-mud = Ce profil MUD est inutilisable
serve-api-bad-mud = Ce profil MUD est inutilisable ; « problems » donne chaque problème à son chemin JSON.
serve-action-mud = a tenu l'appareil à un profil MUD
serve-action-mud-clear = a cessé de tenir l'appareil à son profil MUD
serve-set-auto-off = non, seulement à la main
serve-set-auto-high = oui, dès sa première alerte de gravité élevée
serve-set-mud-trust = Certificats sous lesquels les profils MUD doivent être signés (PEM). Tant que ce champ est vide, les fichiers MUD annoncés par les appareils ne sont pas téléchargés ; une fois rempli, ils sont téléchargés en HTTPS et gardés seulement si leur signature est valide.
serve-set-mud-tls-roots = Certificats reconnus pour le HTTPS des serveurs MUD, en plus de ceux du système (PEM, facultatif)
serve-error-bad-pem = Les certificats doivent être du texte PEM (-----BEGIN CERTIFICATE----- …), au moins un.
serve-action-mud-fetch-failed = n'a pas pu télécharger ou vérifier le profil MUD annoncé par l'appareil
serve-set-notify = Notifications
serve-set-webhook = Webhook : les nouvelles alertes de gravité moyenne ou plus (non mises en sourdine) sont envoyées en JSON (POST) à cette adresse (https://, ou http:// vers cette machine ; --webhook en ligne de commande l'emporte)
serve-error-bad-webhook = Le webhook doit être une adresse https:// (http:// seulement vers cette machine).
serve-set-detect = Détection
serve-set-thresholds = Seuils des détecteurs, NOM=VALEUR un par ligne (les noms de --detect, docs/detection.md ; la ligne de commande l'emporte sur un seuil fixé des deux côtés). Un changement relance l'analyse avec eux ; ce qui est enregistré reste.
serve-set-blocklist = Liste de blocage : adresses, réseaux et noms de domaine de serveurs de commande et de contrôle, un par ligne (# pour les commentaires ; le format des fichiers --blocklist, qui s'y ajoutent)
serve-error-bad-threshold = Ce seuil est inutilisable (nom inconnu, ou pas NOM=VALEUR avec un nombre dans les bornes)
serve-error-bad-blocklist = Cette ligne de la liste de blocage n'est ni une adresse, ni un réseau, ni un nom de domaine
serve-label = Étiquette de sécurité (d'après ce que montre son trafic ; iotgate label y ajoute une sonde et la déclaration du fabricant)
serve-label-wait = L'étiquette est en cours de préparation à partir du trafic récent ; elle s'affiche ici dans quelques secondes.
cli-collect-about = Mode opérateur : exports de flux (NetFlow v5/v9, IPFIX, sFlow) en entrée, les abonnés dont les appareils attaquent en sortie
cli-collect-long = Lit les paquets d'export qu'envoient les routeurs (NetFlow v5, v9, IPFIX, sFlow v5) sur une socket UDP (--listen) ou depuis une capture (--replay), les décode avec les gabarits envoyés par chaque exportateur (gardés par exportateur et domaine d'observation, en nombre borné), et applique les détecteurs aux enregistrements, abonné par abonné : balayages, essais de mots de passe, inondations, canaux de commande, listes de blocage. Un abonné est celui que la table donnée par --subscribers place derrière une adresse (blocs de ports CGNAT compris) ; sans table, chaque adresse comprise dans --customers (par défaut les plages privées, CGNAT et locales uniques) est un abonné à part entière. Aucun flux n'est stocké : seulement l'état des détecteurs par abonné. Avec --records json, écrit à la place un objet JSON par enregistrement de flux, dans l'ordre d'arrivée : exporter, src_addr, dst_addr, src_port, dst_port, proto, packets, bytes, start, end, tcp_flags, et sampling quand l'exportateur le déclare (compteurs tels qu'exportés).{ "\u000A\u000A" }Exemple :{ "\u000A" }  iotgate collect --listen udp://0.0.0.0:2055 --subscribers abonnes.txt{ "\u000A" }  iotgate collect --replay exports.pcap --format json{ "\u000A" }  iotgate collect --replay exports.pcap --records json
cli-collect-replay = Une capture de paquets d'export (pcap ou pcapng) à lire
cli-collect-records = Écrire chaque enregistrement de flux (json : un objet par ligne) ; sans cette option, seulement les comptes
collect-summary = { $packets } paquets d'export, { $records } enregistrements de flux ; { $malformed } illisibles, { $notemplate } ensembles de données sans leur gabarit, { $templates } gabarits gardés, { $other } autres trames
collect-pairing = { $paired } conversations appariées (les deux sens), { $alone } enregistrements seuls (pas de sens inverse pendant l'attente), { $crowded } lâchés plus tôt (table d'appariement pleine)
cli-collect-format = Sans --records : le rapport (les alertes des détecteurs appliqués aux enregistrements) en texte ou en json
cli-collect-listen = Recevoir les exports sur cette adresse UDP (udp://0.0.0.0:2055), jusqu'à Ctrl-C ou --for
cli-collect-rcvbuf = Le tampon de réception de la socket, en octets (ce que le noyau garde pendant qu'une rafale est décodée ; il peut accorder moins)
cli-collect-for = Avec --listen : s'arrêter après ce nombre de secondes
collect-listening = réception des exports de flux sur udp://{ $addr } ({ $sockets } sockets ; Ctrl-C termine et fait le rapport)
cli-collect-subscribers = La table des abonnés : une ligne PRÉFIXE ABONNÉ [PREMIER-DERNIER] (le bloc de ports pour les adresses CGNAT partagées) ; le préfixe le plus long, puis le bloc de ports, décide
cli-collect-customers = Sans table : le côté clients, en préfixes séparés par des virgules ; chaque adresse qu'ils contiennent est un abonné (par défaut : 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16, 100.64.0.0/10, fc00::/7)
cli-analyze-indicator = Un indicateur de votre fournisseur d'accès (un fichier JSON signé) : au lieu du rapport, nommer les appareils dont les flux y correspondent, avec les preuves côte à côte
cli-analyze-indicator-key = La clé publique du fournisseur (64 chiffres hexadécimaux, ou un fichier qui les contient) avec laquelle l'indicateur doit être signé
cli-collect-indicators = Après l'exécution, écrire dans ce dossier un indicateur signé par alerte (adresses et ports distants, protocole, fenêtre de temps, comportement ; rien sur l'abonné), et index.json indiquant quel abonné chacun concerne (pour vous, pas pour les foyers)
cli-collect-signing-key = La clé Ed25519 qui signe les indicateurs (64 chiffres hexadécimaux dans un fichier ; créé, lisible par vous seul, s'il n'existe pas)
indicator-err-key = { $path } : pas une clé de signature (le fichier doit contenir 64 chiffres hexadécimaux)
indicator-key-created = clé de signature { $path } créée (gardez-la secrète)
indicator-public-key = les indicateurs sont signés avec la clé dont la moitié publique est { $key } (à donner aux foyers)
indicator-written = { $n } indicateurs signés écrits dans { $dir }
indicator-refused = { $path } : indicateur refusé : { $why } { $detail }
indicator-refused-syntax = pas un indicateur :
indicator-refused-schema = pas un indicateur iotgate.indicator/1
indicator-refused-bad-key = la clé donnée n'est pas une clé publique (64 chiffres hexadécimaux)
indicator-refused-other-issuer = il a été signé avec une autre clé que celle donnée
indicator-refused-signature = sa signature ne se vérifie pas : il a été modifié après signature, ou contrefait
indicator-head = Indicateur : { $kind } ({ $detail }) entre { $start } et { $end }, avec { $n ->
    [one] un point distant
   *[other] { $n } points distants
 } : { $remotes }
indicator-none = Aucun appareil de cette capture n'a échangé avec ces points dans cette fenêtre.
indicator-device = { $device } correspond à { $n ->
    [one] un point
   *[other] { $n } points
 } :
indicator-peer = { $remote } (port { $port }) : { $flows } flux de { $first } à { $last }, { $packets } paquets envoyés
cli-collect-nats = Publier les enregistrements décodés vers une grappe NATS JetStream (URL des serveurs séparées par des virgules, p. ex. nats://10.0.0.1:4222,nats://10.0.0.2:4222) pour que `iotgate collect worker` y applique les détecteurs, au lieu de les appliquer ici
cli-collect-partitions = En combien de partitions les enregistrements sont répartis par abonné (collecteurs et travailleurs doivent s'accorder)
cli-collect-replicas = Copies que la grappe garde des flux et des points de reprise (3 : un serveur peut tomber sans rien perdre)
cli-collect-retention = Avec --nats : combien de temps le flux d'enregistrements les garde, en heures (un worker de remplacement reconstruit à partir d'eux ; ensuite ils sont effacés). Appliqué aussi au flux existant
cli-collect-peers = Correspondants distants listés par abonné dans le rapport (adresse, protocole, port, compteurs), au plus ce nombre (0 par défaut : aucun n'est gardé, seulement les totaux de chaque abonné — avec qui un abonné communique ne sert pas à détecter, donc n'est pas gardé sans demande)
cli-worker-about = Appliquer les détecteurs, partition par partition, aux enregistrements publiés par les collecteurs dans une grappe NATS JetStream
cli-worker-long = Prend des partitions du flux d'enregistrements comme consommateurs durables en mode tiré, apparie, attribue et applique les détecteurs comme `iotgate collect`, publie les alertes (identifiants déterministes : une alerte n'est stockée qu'une fois) dans le flux des alertes, acquitte les enregistrements et garde son point de reprise dans le magasin clé-valeur de la grappe. Un travailleur lancé pour les partitions d'un autre qui est mort reconstruit son état à partir des enregistrements acquittés et continue. Écrit une ligne JSON par partition quand il s'arrête.{ "\u000A\u000A" }Exemple :{ "\u000A" }  iotgate collect worker --nats nats://127.0.0.1:4222 --partitions 8 --take 0,1,2,3 --subscribers abonnes.txt
cli-worker-take = Les partitions que prend ce travailleur (par défaut : toutes)
cli-worker-until-idle = S'arrêter quand plus rien n'est en attente depuis ce nombre de secondes (l'entrée est finie)
cli-worker-metrics = Servir les compteurs du worker au format texte Prometheus sur http://ADDR:PORT/metrics : messages et enregistrements traités, alertes publiées, livraisons répétées et retard du consommateur, par partition
nats-err = NATS ({ $urls }) : { $error }
nats-err-take = il n'y a pas de partition { $p } : les partitions sont numérotées de 0 à { $n } moins un
nats-published = { $records } enregistrements publiés en { $messages } messages ({ $duplicates } doublons écartés par le flux, { $retries } nouvelles tentatives) ; latence d'acquittement p50 { $p50 } ms, p99 { $p99 } ms ; plus longue attente d'une tournée { $stall } ms
nats-undelivered = { $records } enregistrements n'ont pas pu être publiés dans la grappe avant l'échéance (une majorité de ses serveurs fonctionne-t-elle ?) : ils n'ont pas été livrés
cli-collect-sockets = Avec --listen : combien de sockets partagent l'adresse (SO_REUSEPORT ; le noyau y répartit les exportateurs, chacune lue par lots par son propre fil)
cli-collect-metrics = Avec --listen : servir les compteurs au format texte Prometheus sur http://ADRESSE:PORT/metrics (enregistrements, pertes par cause dont celles du noyau, gabarits, exportateurs, publication)
collect-metrics = compteurs sur http://{ $addr }/metrics
collect-received = { $datagrams } datagrammes reçus sur { $sockets } sockets ; le noyau en a perdu { $drops } (tampons de réception pleins)
collect-err-map = { $path }, ligne { $line } : { $why }
collect-map-syntax = écrivez PRÉFIXE ABONNÉ [PREMIER-DERNIER], par exemple 203.0.113.0/24 abo-42 ou 100.64.1.1 abo-43 1024-2047
collect-map-prefix = ni une adresse ni un préfixe (ADRESSE ou ADRESSE/LONGUEUR)
collect-map-ports = pas un bloc de ports (PREMIER-DERNIER, PREMIER au plus égal à DERNIER, tous deux de 0 à 65535)
collect-map-overlap = ce bloc de ports chevauche un autre du même préfixe
collect-map-too-many = la table compte plus d'un million d'entrées
collect-err-prefix = « { $prefix } » n'est pas un préfixe : écrivez ADRESSE/LONGUEUR, par exemple 100.64.0.0/10
collect-err-listen = « { $addr } » n'est pas une adresse d'écoute : écrivez udp://ADRESSE:PORT, par exemple udp://0.0.0.0:2055
