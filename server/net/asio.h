// The one header that includes Asio. Boost 1.74's awaitable.hpp uses
// std::exchange without including <utility>, so it comes first, once, here.
#pragma once

#include <utility>

#include <boost/asio.hpp>

namespace arbor::net {
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
}  // namespace arbor::net
