import * as pulumi from "@pulumi/pulumi";

export interface MockedResource {
  readonly type: string;
  readonly name: string;
  readonly inputs: Record<string, unknown>;
}

/** Records every resource the program registers; each echoes its inputs back as its state. */
export function installMocks(): MockedResource[] {
  const created: MockedResource[] = [];
  pulumi.runtime.setMocks(
    {
      newResource: (args) => {
        created.push({ type: args.type, name: args.name, inputs: args.inputs });
        return { id: `${args.name}-id`, state: args.inputs };
      },
      call: (args) => args.inputs,
    },
    "elearning-sandbox",
    "test",
    false,
  );
  return created;
}

/** Resolves once every registration the program started has reached the mocks. */
export async function settled(): Promise<void> {
  // @pulumi/pulumi exports waitForRPCs from its settings module (what `disconnect` awaits).
  const settings = (await import("@pulumi/pulumi/runtime/settings.js")) as unknown as {
    waitForRPCs(): Promise<void>;
  };
  await settings.waitForRPCs();
}

export const outputValue = <T>(output: pulumi.Output<T>) =>
  new Promise<T>((resolve) => output.apply(resolve));
