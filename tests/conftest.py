pytest_plugins = ["azure_sandbox.pytest_plugin"]
