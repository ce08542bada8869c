// What the instance keeps of its scripting engine without knowing it: core
// sits below server/scripting/, which creates the engine at first use and
// reaches it through Instance::scripts.
#pragma once

namespace arbor::core {

class ScriptHost {
 public:
  virtual ~ScriptHost() = default;
};

}  // namespace arbor::core
