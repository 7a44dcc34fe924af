"""S5 经济安全预警: supply-chain disruption index, watch indicators and 红黄蓝 levels (pure modules)."""
