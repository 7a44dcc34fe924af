"""S6 压力测试: input-output stress tests and policy adaptability (pure modules) inside a thin Django app."""
