terraform {
  required_version = ">= 1.11"

  # State of the bootstrap itself stays local on first apply; README.md explains how to move it
  # into the bucket it creates.
  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = ">= 5.100, < 7"
    }
  }
}
