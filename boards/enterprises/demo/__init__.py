"""Demo seeders of the enterprise domain (registered with the kernel's ``demo_seeder``)."""
