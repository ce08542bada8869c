// The one header that includes Asio. Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, so it comes first, once, here.
#pragma once

#include <utility>

#include <boost/asio.hpp>
#include <exception>
#include <string>

namespace arbor::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
// Client sockets and listeners of either transport (TCP, unix socket): the
// socket code is the same for both.
using stream_protocol = asio::generic::stream_protocol;
using stream_acceptor = asio::basic_socket_acceptor<stream_protocol>;
// A client's socket, on the loop's own executor type: no type-erased
// executor on the request path.
using client_socket = asio::basic_stream_socket<stream_protocol, asio::io_context::executor_type>;

// What a coroutine died of, for the completion handler every co_spawn
// gets (a bare spawn would lose it).
inline std::string exception_text(std::exception_ptr error) {
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    return e.what();
  } catch (...) {
    return "unknown exception";
  }
}
}  // namespace arbor::net
