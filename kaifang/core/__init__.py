"""Pure, framework-free building blocks of Kaifang (no Django imports)."""
