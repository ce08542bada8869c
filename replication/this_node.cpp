#include "replication/this_node.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <netinet/in.h>

#include <string>

namespace arbor::replication {
namespace {

bool is_interface_address(std::string_view host) {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return false;
  bool found = false;
  for (ifaddrs* i = list; i != nullptr && !found; i = i->ifa_next) {
    if (i->ifa_addr == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = {};
    if (i->ifa_addr->sa_family == AF_INET)
      inet_ntop(AF_INET, &reinterpret_cast<sockaddr_in*>(i->ifa_addr)->sin_addr, text, sizeof text);
    else if (i->ifa_addr->sa_family == AF_INET6)
      inet_ntop(AF_INET6, &reinterpret_cast<sockaddr_in6*>(i->ifa_addr)->sin6_addr, text, sizeof text);
    found = text[0] != '\0' && host == text;
  }
  freeifaddrs(list);
  return found;
}

}  // namespace

bool names_this_node(std::string_view host, int port, int our_port, std::string_view announce_ip) {
  if (port != our_port || host.empty()) return false;
  if (host == "localhost" || host.starts_with("127.") || host == "::1") return true;
  if (!announce_ip.empty() && host == announce_ip) return true;
  return is_interface_address(host);
}

}  // namespace arbor::replication
