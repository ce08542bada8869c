// Whether an address another node reports (a replica's master_host, the
// primary a Sentinel names) is this server: the fence must not mistake us
// for a new primary. Linux interfaces via getifaddrs.
#pragma once

#include <string_view>

namespace arbor::replication {

// `host`:`port` names this server when the port is ours and the host is a
// loopback name or address, an address of one of our interfaces, or our
// replica-announce-ip. (Another host's name is not resolved: we cannot
// tell it from a different machine with the same port.)
bool names_this_node(std::string_view host, int port, int our_port, std::string_view announce_ip);

}  // namespace arbor::replication
