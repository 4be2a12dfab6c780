import { Column, Entity, PrimaryColumn } from "typeorm";
import { utcDatetime } from "../columns";

/**
 * What a request made on someone's behalf created (e.g. the hazard a chat turn reported), written
 * in the same transaction: the same request again returns it instead of creating a second one.
 */
@Entity("request_results")
export class RequestResult {
  @PrimaryColumn({ name: "request_key", type: "varchar", length: 191 })
  requestKey: string;

  /** What the id names, e.g. `hazard`, `tip`; a key is never read as another kind. */
  @Column({ type: "varchar", length: 32 })
  kind: string;

  @Column({ name: "result_id", type: "integer" })
  resultId: number;

  @Column({ name: "created_at", ...utcDatetime })
  createdAt: Date;
}
