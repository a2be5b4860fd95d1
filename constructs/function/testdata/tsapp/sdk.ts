// Imports the AWS SDK v3, which the nodejs22.x runtime provides: left out of the bundle by default.
import { S3Client } from "@aws-sdk/client-s3";

export const main = async () => typeof S3Client;
